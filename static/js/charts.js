// Draws the analytics charts from the JSON the page embeds (#analytics-data), with the
// vendored Chart.js; redraws after htmx swaps the panel for another time range.
(function () {
  "use strict";

  function draw(root) {
    var source = root.querySelector("#analytics-data");
    if (!source || typeof Chart === "undefined") return;
    var charts = JSON.parse(source.textContent);
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || Chart.getChart(canvas)) return;
      var stacked = spec.datasets.some(function (d) { return d.stack; });
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d) {
            return {
              type: d.type, label: d.label, data: d.data, stack: d.stack || undefined,
              borderColor: d.color, backgroundColor: d.type === "line" ? d.color : d.color + "cc",
              borderWidth: d.type === "line" ? 2 : 0, pointRadius: d.type === "line" ? 2 : 0,
              spanGaps: true, tension: 0.25
            };
          })
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom" } },
          scales: {
            x: { stacked: stacked, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
            y: { stacked: stacked, beginAtZero: true, title: { display: true, text: spec.unit } }
          }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = document.getElementById("analytics-panel");
    if (panel) draw(panel);
  });
})();
