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
  // A grid's name is written on it when it fits: wrapped to the grid's width on screen, at about
  // this many px per character and per line (.dj-grid-name in map.html), and three characters a line at least.
  var LABEL_CHAR_PX = 12;
  var LABEL_LINE_PX = 16;

  // Classes are built on the values as shown (a rate to 0.1 %, a count whole), so a grid's colour
  // always matches the number its tooltip shows, and each legend row ends one step below the next
  // row's start: 0, 1–4, 5–9, ≥ 10 (not 0–5, 5–10, where 5 would sit in two rows).
  var scale = {
    step: function (rate) { return rate ? 0.001 : 1; },
    shown: function (value, rate) {
      if (value === null) return null;
      return rate ? Math.round(value * 1000) / 1000 : Math.round(value);
    },
    breaks: function (values) {
      var sorted = values.slice().sort(function (a, b) { return a - b; });
      var breaks = [];
      for (var i = 1; i < 5; i++) breaks.push(sorted[Math.floor((i * sorted.length) / 5)]);
      // Distinct, and above the smallest value (a break at the minimum would leave a class empty).
      return breaks.filter(function (value, index) {
        return value > sorted[0] && (index === 0 || value !== breaks[index - 1]);
      });
    },
    classOf: function (value, breaks) {
      var index = 0;
      while (index < breaks.length && value >= breaks[index]) index++;
      return index;
    },
    // The legend's rows, lowest first: {from, to} (to null for the open-ended last row).
    ranges: function (values, rate) {
      if (!values.length) return [];
      var step = scale.step(rate);
      var breaks = scale.breaks(values);
      var starts = [Math.min.apply(null, values)].concat(breaks);
      var largest = Math.max.apply(null, values);
      return starts.map(function (from, index) {
        if (index + 1 < starts.length) {
          return { from: from, to: Math.round((starts[index + 1] - step) * 1000) / 1000 };
        }
        return { from: from, to: from === largest ? from : null };
      });
    },
  };
  window.djMapScale = scale; // for the browser tests of the legend's ranges

  fetch(element.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      var rate = /_rate$/.test(data.figure);
      var values = data.features
        .map(function (f) { return scale.shown(f.properties.value, rate); })
        .filter(function (v) { return v !== null; });
      var breaks = values.length ? scale.breaks(values) : [];
      var palette;
      if (data.higher_is_better === null) palette = LIGHT_TO_DARK;
      else if (data.higher_is_better) palette = GOOD_TO_BAD.slice().reverse();
      else palette = GOOD_TO_BAD;
      var classCount = breaks.length + 1;
      function colour(value) {
        if (value === null) return EMPTY;
        var index = scale.classOf(scale.shown(value, rate), breaks);
        return palette[Math.round((index * (palette.length - 1)) / Math.max(classCount - 1, 1))];
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

      // Grid names written on the grids that are wide enough on screen to hold one, in view;
      // redrawn after each zoom or pan (a street's hundred grids are too small for names until
      // zoomed in; a community's few carry them at once).
      var names = L.layerGroup().addTo(map);
      function drawNames() {
        names.clearLayers();
        var view = map.getBounds();
        grids.eachLayer(function (layer) {
          var bounds = layer.getBounds();
          if (!view.intersects(bounds)) return;
          var northEast = map.latLngToContainerPoint(bounds.getNorthEast());
          var southWest = map.latLngToContainerPoint(bounds.getSouthWest());
          var width = northEast.x - southWest.x - 8;
          var height = southWest.y - northEast.y - 8;
          var name = layer.feature.properties.name;
          var perLine = Math.floor(width / LABEL_CHAR_PX);
          if (perLine < 3 || Math.ceil(name.length / perLine) * LABEL_LINE_PX > height) return;
          L.marker(bounds.getCenter(), {
            icon: L.divIcon({
              className: "dj-grid-name",
              html: '<span style="max-width:' + Math.round(width) + 'px">' + escapeHtml(name) + "</span>",
              iconSize: null,
            }),
            interactive: false,
            keyboard: false,
          }).addTo(names);
        });
      }
      map.on("zoomend moveend", drawNames);

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
        scale.ranges(values, rate).forEach(function (range) {
          var text;
          if (range.to === null) text = "≥ " + show(range.from);
          else if (range.to === range.from) text = show(range.from);
          else text = show(range.from) + "–" + show(range.to);
          rows.push('<span data-range><i style="background:' + colour(range.from) + '"></i>' + escapeHtml(text) + "</span>");
        });
        rows.push('<span><i style="background:' + EMPTY + '"></i>' + escapeHtml(labels.no_data) + "</span>");
        div.innerHTML = "<strong class=\"d-block\">" + escapeHtml(labels.legend_title) + "</strong>" + rows.join("<br>");
        return div;
      };
      legend.addTo(map);

      if (data.features.length) {
        map.fitBounds(grids.getBounds(), { padding: [10, 10] });
      }
      drawNames();
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
