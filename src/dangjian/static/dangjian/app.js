/* dangjian: small behaviour shared by every page.
   An htmx request that fails (refused, not found, server error, network down) shows a message
   above the page content instead of failing silently; the texts come translated from <body>. */
(function () {
  "use strict";

  function showError(text) {
    var box = document.getElementById("dj-htmx-messages");
    if (!box || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", document.body.dataset.closeLabel || "Close");
    alert.appendChild(close);
    box.replaceChildren(alert);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var data = document.body.dataset;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) {
      showError(data.forbiddenMessage);
    } else if (status === 404) {
      showError(data.notFoundMessage);
    } else {
      showError(data.errorMessage);
    }
  });

  document.addEventListener("htmx:sendError", function () {
    showError(document.body.dataset.networkMessage);
  });
})();
