/* The big screen (数据大屏): draws the monthly trends with ECharts from the page's JSON island
   and refreshes the figures from the JSON endpoint every minute (no inline script: CSP). */
(function () {
  "use strict";
  var config = document.getElementById("dj-screen-config");
  if (!config) { return; }
  var labels = JSON.parse(document.getElementById("dj-screen-labels").textContent);
  var charts = {};

  function option(trends, chart) {
    var series = trends.series.filter(function (s) { return s.chart === chart; });
    if (!series.length) { return null; }
    return {
      backgroundColor: "transparent",
      textStyle: { color: "#e8eefc", fontSize: 14 },
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: "#e8eefc" }, top: 0 },
      grid: { left: 48, right: 48, top: 40, bottom: 32 },
      xAxis: { type: "category", data: trends.months, axisLabel: { color: "#9fb3d9" } },
      yAxis: [
        { type: "value", axisLabel: { color: "#9fb3d9" }, splitLine: { lineStyle: { color: "#1f3d6e" } } },
        { type: "value", splitLine: { show: false },
          axisLabel: { color: "#9fb3d9", formatter: series.some(function (s) { return s.axis === "rate"; }) ? "{value}%" : "{value}" } }
      ],
      series: series.map(function (s, index) {
        var second = s.axis === "rate" || (s.axis === "hours" && series.length > 1);
        return {
          name: s.label,
          type: index === 0 && !second ? "bar" : "line",
          yAxisIndex: second ? 1 : 0,
          data: s.values,
          smooth: true,
          itemStyle: { color: ["#ffd666", "#5ad8a6", "#5b8ff9", "#ff7875"][index % 4] }
        };
      })
    };
  }

  function draw(trends) {
    if (typeof echarts === "undefined") { return; }
    ["service", "activities"].forEach(function (chart) {
      var element = document.getElementById("dj-chart-" + chart);
      if (!element) { return; }
      var opts = option(trends, chart);
      if (!opts) { element.closest(".col-12").hidden = true; return; }
      if (!charts[chart]) { charts[chart] = echarts.init(element, null, { renderer: "canvas" }); }
      charts[chart].setOption(opts, true);
    });
  }

  function status(text) {
    var element = document.getElementById("dj-screen-status");
    if (element) { element.textContent = text; }
  }

  function time(iso) { return (iso || "").slice(11, 19); }

  var lastComputed = document.getElementById("dj-screen-status").getAttribute("data-computed");

  function refresh() {
    fetch(config.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        document.getElementById("dj-screen-body").innerHTML = data.html;
        draw(data.trends);
        lastComputed = data.computed_at;
        status(labels.updated.replace("%(time)s", time(data.computed_at)));
      })
      .catch(function () { status(labels.failed.replace("%(time)s", time(lastComputed))); });
  }

  draw(JSON.parse(document.getElementById("dj-screen-trends").textContent));
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (key) { charts[key].resize(); });
  });
  var seconds = parseInt(config.getAttribute("data-refresh"), 10) || 60;
  window.setInterval(refresh, seconds * 1000);
})();
