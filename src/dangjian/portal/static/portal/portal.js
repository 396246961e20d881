/* The residents' pages: "use my location" fills the hidden latitude/longitude, the grid list
   filters by community name, and a refused code request (429) still shows its polite message. */
(function () {
  "use strict";

  var button = document.getElementById("use-location");
  if (button) {
    button.addEventListener("click", function () {
      var status = document.getElementById("location-status");
      if (!navigator.geolocation) {
        status.textContent = button.dataset.failed;
        return;
      }
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
          document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
          status.textContent = button.dataset.found;
        },
        function () {
          status.textContent = button.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  var filter = document.getElementById("grid-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var text = filter.value.trim();
      document.querySelectorAll("#id_area optgroup").forEach(function (group) {
        var match = !text || group.label.indexOf(text) !== -1;
        group.hidden = !match;
        group.disabled = !match;
      });
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
