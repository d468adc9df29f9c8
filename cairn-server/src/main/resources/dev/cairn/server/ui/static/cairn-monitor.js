// Draws a deployment's monitor charts: each <figure class="monitor-chart" data-x> holds the windows' starts (epoch
// seconds; the axis spans data-from to data-to) and one <span class="series" data-label data-values> per line, the
// values comma separated, empty where a window has none (a gap in the line). The page's tables hold the same
// figures for reading without script. Labels reach uPlot as text, never as markup.
(function () {
  "use strict";
  var COLOURS = ["#2457a6", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589", "#5d6d7e", "#cb4335"];

  function numbers(text) {
    if (!text) { return []; }
    return text.split(",").map(function (v) {
      if (v === "") { return null; }
      var n = Number(v);
      return isFinite(n) ? n : null;
    });
  }

  function draw(fig) {
    var xs = numbers(fig.dataset.x);
    var from = Number(fig.dataset.from), to = Number(fig.dataset.to);
    var data = [xs];
    var series = [{}];
    Array.prototype.forEach.call(fig.querySelectorAll("span.series"), function (s, i) {
      var ys = numbers(s.dataset.values);
      while (ys.length < xs.length) { ys.push(null); }
      data.push(ys);
      series.push({ label: s.dataset.label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: false,
        points: { show: true, size: 5 } });
    });
    var width = Math.max(320, Math.min(560, (fig.parentElement.clientWidth || 600) - 16));
    fig.uplot = new uPlot({
      width: width, height: 200, series: series,
      // the whole range, not just the windows that saw traffic: one busy window still shows where it lies
      scales: { x: { time: true, range: function () { return [from, to]; } } },
      axes: [{}, { label: fig.dataset.unit || "" }]
    }, data, fig);
    fig.dataset.series = String(series.length - 1);
    fig.dataset.points = String(xs.length);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.monitor-chart"), function (fig) {
      try {
        draw(fig);
      } catch (e) {
        fig.dataset.error = String(e);
        throw e;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
