// Draws a uPlot chart in each <figure class="chart" data-key> with one line per <span class="series" data-run-id
// data-label> inside it. The server downsamples each history (min/max per bucket); from a server without that
// endpoint (404), the first pages of MLflow's full history are used. Labels go through uPlot's textContent.
(function () {
  "use strict";
  var MAX_FALLBACK_PAGES = 4;
  var COLOURS = ["#2457a6", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589", "#5d6d7e", "#cb4335"];

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 404) { return null; }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  // the API writes NaN as the string "NaN": a gap in the line
  function number(v) {
    return typeof v === "number" && isFinite(v) ? v : null;
  }

  function downsampled(runId, key, points) {
    return getJson("/api/cairn/v1/metrics/downsampled?run_id=" + encodeURIComponent(runId) +
      "&key=" + encodeURIComponent(key) + "&points=" + points + "&x=step").then(function (body) {
      return body && [body.points.map(function (p) { return p[0]; }), body.points.map(function (p) { return number(p[1]); })];
    });
  }

  function fullHistory(runId, key) {
    var xs = [], ys = [];
    function page(token, n) {
      return getJson("/api/2.0/mlflow/metrics/get-history?run_id=" + encodeURIComponent(runId) +
        "&metric_key=" + encodeURIComponent(key) + (token ? "&page_token=" + encodeURIComponent(token) : ""))
        .then(function (body) {
          if (!body) { throw new Error("no history"); }
          (body.metrics || []).forEach(function (m) { xs.push(m.step); ys.push(number(m.value)); });
          return body.next_page_token && n + 1 < MAX_FALLBACK_PAGES ? page(body.next_page_token, n + 1) : [xs, ys];
        });
    }
    return page(null, 0);
  }

  // uPlot wants one x array shared by all lines: the union of steps, with null where a run has no point
  function align(histories) {
    var steps = {};
    histories.forEach(function (h) { h[0].forEach(function (x) { steps[x] = true; }); });
    var xs = Object.keys(steps).map(Number).sort(function (a, b) { return a - b; });
    var data = [xs];
    histories.forEach(function (h) {
      var at = {};
      h[0].forEach(function (x, i) { at[x] = h[1][i]; });
      data.push(xs.map(function (x) { return x in at ? at[x] : null; }));
    });
    return data;
  }

  function draw(fig) {
    var key = fig.dataset.key;
    var lines = Array.prototype.slice.call(fig.querySelectorAll("span.series"));
    var width = Math.max(320, Math.min(640, fig.parentElement.clientWidth - 16));
    Promise.all(lines.map(function (s) {
      return downsampled(s.dataset.runId, key, width).then(function (d) { return d || fullHistory(s.dataset.runId, key); });
    })).then(function (histories) {
      var data = histories.length === 1 ? histories[0] : align(histories);
      var series = [{ label: "step" }];
      lines.forEach(function (s, i) {
        series.push({ label: s.dataset.label, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true });
      });
      new uPlot({ width: width, height: 220, scales: { x: { time: false } }, series: series }, data, fig);
      fig.dataset.series = String(lines.length);
      fig.dataset.drawnAt = String(performance.now()); // ms since the navigation started: the benchmark reads it
      fig.dataset.points = String(data[0].length);
    }).catch(function (e) {
      var p = document.createElement("p");
      p.className = "empty";
      p.textContent = "chart unavailable: " + e.message;
      fig.appendChild(p);
    });
  }

  document.querySelectorAll("figure.chart").forEach(draw);
})();
