/* dangjian: the organization and area tree page (orgs/tree.html).
   Disclosure buttons show or hide a node's children (htmx loads them on the first click); an
   expand answered by the login page (the session expired meanwhile) reloads the whole page; the
   "hide inactive" switch is remembered in the browser. */
(function () {
  "use strict";

  var tree = document.getElementById("dj-tree");
  if (!tree) return;
  tree.addEventListener("click", function (event) {
    var button = event.target.closest("button.dj-tree-twisty");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var children = document.getElementById(button.getAttribute("aria-controls"));
    if (children) children.hidden = !open;
  });
  var loginUrl = tree.dataset.loginUrl;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr.responseURL || "";
    if (loginUrl && url.indexOf(loginUrl) !== -1) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
  var toggle = document.getElementById("dj-hide-inactive");
  if (!toggle) return;
  var key = "dj-hide-inactive";
  toggle.checked = window.localStorage.getItem(key) === "1";
  tree.classList.toggle("dj-hide-inactive", toggle.checked);
  toggle.addEventListener("change", function () {
    tree.classList.toggle("dj-hide-inactive", toggle.checked);
    window.localStorage.setItem(key, toggle.checked ? "1" : "0");
  });
})();
