/* dangjian: small behaviour shared by every page.
   An htmx request that fails (refused, not found, server error, network down) shows a message
   above the page content instead of failing silently; the texts come translated from <body>.
   The Content-Security-Policy forbids inline handlers (onclick=…), so the few behaviours pages
   need are declared by data attributes and wired here:
     data-confirm="question"  a button or link asks before it acts;
     data-print               a button prints the page;
     data-autosubmit          a <select> submits its form when changed. */
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

  document.addEventListener("click", function (event) {
    var confirming = event.target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });
})();
