/* dangjian: "Use my location" on the grid worker's patrol report (service/grid/report.html).
   The button fills the hidden latitude and longitude fields named in its data attributes; the
   status texts come translated from the same attributes. */
(function () {
  "use strict";

  var button = document.getElementById("dj-locate");
  var status = document.getElementById("dj-locate-status");
  if (!button || !status) return;
  if (!navigator.geolocation) { button.hidden = true; return; }
  var data = button.dataset;
  button.addEventListener("click", function () {
    status.textContent = data.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById(data.latitudeField).value = position.coords.latitude.toFixed(6);
      document.getElementById(data.longitudeField).value = position.coords.longitude.toFixed(6);
      status.textContent = data.located;
    }, function () { status.textContent = data.unavailable; }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
