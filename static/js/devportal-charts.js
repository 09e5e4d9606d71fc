// Draws an application's usage charts from the JSON the page embeds (Chart.js, vendored).
// Redrawn after htmx swaps in a new time range.
(function () {
  "use strict";
  var charts = [];

  function palette(i) { return ["#2453d4", "#1d7a45", "#a35c00", "#b3261e", "#6d28d9", "#0e7490"][i % 6]; }

  // Short labels: the time of day for minute and hour buckets, the date for day buckets.
  function timeLabels(labels) {
    var step = labels.length > 1 ? new Date(labels[1]) - new Date(labels[0]) : 0;
    var daily = step >= 86400000;
    var spansDays = labels.length > 1 && new Date(labels[labels.length - 1]) - new Date(labels[0]) >= 86400000;
    return labels.map(function (iso) {
      var d = new Date(iso);
      if (daily) return d.toLocaleDateString([], { month: "short", day: "numeric" });
      var time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      return spansDays ? d.toLocaleDateString([], { month: "short", day: "numeric" }) + " " + time : time;
    });
  }

  function lineChart(canvas, labels, sets, stacked) {
    return new Chart(canvas, {
      type: stacked ? "bar" : "line",
      data: {
        labels: timeLabels(labels),
        datasets: sets.map(function (s, i) {
          return { label: s.label, data: s.data, borderColor: palette(i), backgroundColor: palette(i), tension: 0.2, pointRadius: labels.length > 40 ? 0 : 2 };
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: !!stacked, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 } },
          y: { stacked: !!stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  function groupChart(canvas, group) {
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: group.labels,
        datasets: [
          { label: "Requests", data: group.requests, backgroundColor: palette(0), yAxisID: "y" },
          { label: "Tokens", data: group.tokens, backgroundColor: palette(1), yAxisID: "y1" },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          y: { beginAtZero: true, position: "left", ticks: { precision: 0 }, title: { display: true, text: "Requests" } },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "Tokens" } },
        },
      },
    });
  }

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var source = document.getElementById("usage-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var kind = canvas.getAttribute("data-chart");
      if (kind === "requests") {
        charts.push(lineChart(canvas, data.labels, [
          { label: "Requests", data: data.requests }, { label: "Errors", data: data.errors }]));
      } else if (kind === "tokens") {
        charts.push(lineChart(canvas, data.labels, [
          { label: "Prompt tokens", data: data.prompt_tokens },
          { label: "Completion tokens", data: data.completion_tokens }], true));
      } else {
        charts.push(groupChart(canvas, data[kind]));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.id === "usage") draw();
  });
})();
