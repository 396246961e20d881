/* The grid-and-request map (service:map): grids as polygons coloured by the chosen figure,
   open requests as small circles on a canvas layer, a legend, popups linking to the records.
   The tile layer is added only when the server sets DANGJIAN_TILE_URL; otherwise the grids
   draw on a blank background fitted to their bounds (intranets have no internet tiles). */
(function () {
  "use strict";
  var element = document.getElementById("dj-map");
  if (!element || !window.L) return;
  var labels = JSON.parse(document.getElementById("dj-map-labels").textContent);
  var status = document.getElementById("dj-map-status");
  var map = L.map(element, { zoomControl: false, attributionControl: Boolean(element.dataset.tiles) });
  // Leaflet's zoom buttons carry English tooltips; ours come translated from the page.
  L.control.zoom({ zoomInTitle: labels.zoom_in, zoomOutTitle: labels.zoom_out }).addTo(map);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map);
  }
  map.setView([39.9, 116.4], 12);

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  // Five classes; green is good, red is bad; "received" (no better side) runs light to dark blue.
  var GOOD_TO_BAD = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"];
  var LIGHT_TO_DARK = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var EMPTY = "#d9d9d9";

  function classes(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var i = 1; i < 5; i++) breaks.push(sorted[Math.floor((i * sorted.length) / 5)]);
    return breaks.filter(function (value, index) { return index === 0 || value !== breaks[index - 1]; });
  }
  function classOf(value, breaks) {
    var index = 0;
    while (index < breaks.length && value >= breaks[index]) index++;
    return index;
  }

  fetch(element.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      var rate = /_rate$/.test(data.figure);
      var values = data.features
        .map(function (f) { return f.properties.value; })
        .filter(function (v) { return v !== null; });
      var breaks = values.length ? classes(values) : [];
      var palette;
      if (data.higher_is_better === null) palette = LIGHT_TO_DARK;
      else if (data.higher_is_better) palette = GOOD_TO_BAD.slice().reverse();
      else palette = GOOD_TO_BAD;
      var scale = breaks.length + 1;
      function colour(value) {
        if (value === null) return EMPTY;
        var index = classOf(value, breaks);
        return palette[Math.round((index * (palette.length - 1)) / Math.max(scale - 1, 1))];
      }
      function show(value) {
        if (value === null) return labels.no_data;
        return rate ? (value * 100).toFixed(1) + "%" : String(value);
      }

      var grids = L.geoJSON(data, {
        style: function (feature) {
          return { color: "#555", weight: 1, fillColor: colour(feature.properties.value), fillOpacity: 0.7 };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindPopup(
            "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(show(p.value)) +
              '<br><a href="' + escapeHtml(p.list_url) + '">' + escapeHtml(labels.grid_requests) + "</a>" +
              '<br><a href="' + escapeHtml(p.figures_url) + '">' + escapeHtml(labels.grid_figures) + "</a>"
          );
          layer.bindTooltip(escapeHtml(p.name) + " · " + escapeHtml(show(p.value)), { sticky: true });
        },
      }).addTo(map);

      var canvas = L.canvas({ padding: 0.2 });
      data.points.forEach(function (point) {
        var overdue = point[4] === 1;
        L.circleMarker([point[0], point[1]], {
          renderer: canvas,
          radius: 4,
          weight: 1,
          color: overdue ? "#7f0000" : "#1f3b73",
          fillColor: overdue ? "#e31a1c" : "#4f81bd",
          fillOpacity: 0.9,
        })
          .bindPopup(
            "<strong>" + escapeHtml(point[2]) + "</strong> " + escapeHtml(point[3]) +
              (overdue ? ' <span class="badge text-bg-danger">' + escapeHtml(labels.overdue) + "</span>" : "") +
              '<br><a href="' + escapeHtml(point[5]) + '">' + escapeHtml(labels.open_request) + "</a>"
          )
          .addTo(map);
      });

      var legend = L.control({ position: "bottomright" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "dj-legend");
        var rows = [];
        var bounds = [values.length ? Math.min.apply(null, values) : null].concat(breaks);
        for (var i = 0; i < bounds.length; i++) {
          if (bounds[i] === null) continue;
          var upper = i + 1 < bounds.length ? " – " + show(bounds[i + 1]) : "+";
          rows.push('<i style="background:' + colour(bounds[i]) + '"></i>' + escapeHtml(show(bounds[i]) + upper));
        }
        rows.push('<i style="background:' + EMPTY + '"></i>' + escapeHtml(labels.no_data));
        div.innerHTML = rows.join("<br>");
        return div;
      };
      legend.addTo(map);

      if (data.features.length) {
        map.fitBounds(grids.getBounds(), { padding: [10, 10] });
      }
      var text = data.features.length
        ? format(labels.status, { grids: data.features.length, points: data.points.length })
        : labels.no_grids;
      if (data.points_capped) text += " " + labels.capped;
      status.textContent = text;
      element.dataset.ready = "1";
    })
    .catch(function () {
      status.textContent = labels.failed;
    });
})();
