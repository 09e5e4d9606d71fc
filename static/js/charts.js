// The one chart component of both portals: draws every canvas[data-chart] from the JSON the
// page embeds (#chart-data, built by core.web.charts) with the vendored Chart.js, and draws
// again after htmx swaps in another time range. Labels come from the server (24-hour clock).
(function () {
  "use strict";

  function dataset(d) {
    var line = d.type === "line";
    return {
      type: d.type, label: d.label, data: d.data, stack: d.stack || undefined,
      yAxisID: d.axis || "y", borderColor: d.color, backgroundColor: line ? d.color : d.color + "cc",
      borderWidth: line ? 2 : 0, pointRadius: line ? 2 : 0, spanGaps: true, tension: 0.25
    };
  }

  function scales(spec) {
    var stacked = spec.datasets.some(function (d) { return d.stack; });
    var result = {
      x: { stacked: stacked, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
      y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: spec.unit } }
    };
    var second = spec.datasets.filter(function (d) { return d.axis === "y1"; })[0];
    if (second) {
      result.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
        title: { display: true, text: second.label.toLowerCase() } };
    }
    return result;
  }

  function draw(root) {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") return;
    var charts = JSON.parse(source.textContent);
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || Chart.getChart(canvas)) return;
      new Chart(canvas, {
        type: "bar",
        data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom" } },
          scales: scales(spec)
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
