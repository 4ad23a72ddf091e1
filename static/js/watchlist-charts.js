/* Charts of the watchlist pages, drawn with chart.js from json_script data:
 *  - dashboard: how many countries were in each tier at the end of each month
 *    (#tier-chart, data #tier-chart-data: {labels, series: [{tier, label, data}]});
 *  - country page: the risk-score trend across vintages
 *    (#risk-chart, data #risk-chart-data: {labels, values, ranks}).
 * Each canvas has a text label and the page has the same figures in a table. Tier colours come
 * from the CSS custom properties of static/css/watchlist.css; lines also differ by dash and
 * point shape, so colour is never the only cue. */
(function () {
  "use strict";

  var DASHES = { monitored: [], moderate: [8, 4], high_rising: [2, 3] };
  var POINTS = { monitored: "circle", moderate: "rect", high_rising: "triangle" };

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function tierColour(tier) {
    var value = window
      .getComputedStyle(document.documentElement)
      .getPropertyValue("--apc-tier-" + tier);
    return (value || "").trim() || "#1b1b1b";
  }

  function tierChart(Chart) {
    var canvas = document.getElementById("tier-chart");
    var data = json("tier-chart-data");
    if (!canvas || !data) return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          var colour = tierColour(s.tier);
          return {
            label: s.label,
            data: s.data,
            borderColor: colour,
            backgroundColor: colour,
            borderDash: DASHES[s.tier] || [],
            pointStyle: POINTS[s.tier] || "circle",
            pointRadius: 3,
            borderWidth: 2,
            stepped: "after",
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: "Countries" },
          },
          x: { title: { display: true, text: "Month" } },
        },
        plugins: { legend: { labels: { usePointStyle: true } } },
      },
    });
    canvas.setAttribute("data-rendered", "true");
  }

  function riskChart(Chart) {
    var canvas = document.getElementById("risk-chart");
    var data = json("risk-chart-data");
    if (!canvas || !data) return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "Probability of onset",
            data: data.values,
            borderColor: "#1a4480",
            backgroundColor: "#1a4480",
            pointRadius: 4,
            borderWidth: 2,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { min: 0, suggestedMax: 0.2, title: { display: true, text: "Probability" } },
          x: { title: { display: true, text: "Vintage" } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                return "Rank " + data.ranks[item.dataIndex];
              },
            },
          },
        },
      },
    });
    canvas.setAttribute("data-rendered", "true");
  }

  function init() {
    var Chart = window.Chart;
    if (!Chart) return;
    Chart.defaults.color = "#1b1b1b";
    tierChart(Chart);
    riskChart(Chart);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
