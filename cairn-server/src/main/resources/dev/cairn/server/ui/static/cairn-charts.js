// Draws one uPlot chart per <figure class="chart" data-run-id data-key>: the server downsamples the history
// (min/max per bucket); until that endpoint exists (404), the first pages of MLflow's full history are used.
(function () {
  "use strict";
  var MAX_FALLBACK_PAGES = 4;

  function downsampled(runId, key, points) {
    var url = "/api/cairn/v1/metrics/downsampled?run_id=" + encodeURIComponent(runId) +
      "&key=" + encodeURIComponent(key) + "&points=" + points + "&x=step";
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 404) { return null; }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json().then(function (body) {
        return [body.points.map(function (p) { return p[0]; }), body.points.map(function (p) { return p[1]; })];
      });
    });
  }

  function fullHistory(runId, key) {
    var xs = [], ys = [];
    function page(token, n) {
      var url = "/api/2.0/mlflow/metrics/get-history?run_id=" + encodeURIComponent(runId) +
        "&metric_key=" + encodeURIComponent(key) + (token ? "&page_token=" + encodeURIComponent(token) : "");
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      }).then(function (body) {
        (body.metrics || []).forEach(function (m) { xs.push(m.step); ys.push(m.value); });
        return body.next_page_token && n + 1 < MAX_FALLBACK_PAGES ? page(body.next_page_token, n + 1) : [xs, ys];
      });
    }
    return page(null, 0);
  }

  function draw(fig) {
    var runId = fig.dataset.runId, key = fig.dataset.key;
    var width = Math.max(320, Math.min(640, fig.parentElement.clientWidth - 16));
    downsampled(runId, key, width).then(function (data) {
      return data || fullHistory(runId, key);
    }).then(function (data) {
      var opts = {
        width: width, height: 220,
        scales: { x: { time: false } },
        series: [{ label: "step" }, { label: key, stroke: "#2457a6", width: 1.5 }]
      };
      new uPlot(opts, data, fig);
      fig.dataset.series = String(opts.series.length - 1);
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
