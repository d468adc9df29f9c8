// Draws a uPlot chart in each <figure class="chart" data-key> with one line per <span class="series" data-run-id
// data-label> inside it. The server downsamples each history (min/max per bucket); from a server without that
// endpoint (404), the first pages of MLflow's full history are used. Labels go through uPlot's textContent.
// The controls of form#view (x axis, log scale, smoothing) are the view state: a change redraws the charts from
// the points already fetched and writes the form into the URL, so a reload or a shared link shows the same view.
// A .charts container with data-x="wall" (system metrics) keeps its own x axis.
(function () {
  "use strict";
  var MAX_FALLBACK_PAGES = 4;
  var COLOURS = ["#2457a6", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#17a589", "#5d6d7e", "#cb4335"];
  var fetched = {};
  var drawn = 0;

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

  function downsampled(runId, key, points, axis) {
    return getJson("/api/cairn/v1/metrics/downsampled?run_id=" + encodeURIComponent(runId) +
      "&key=" + encodeURIComponent(key) + "&points=" + points + "&x=" + axis).then(function (body) {
      return body && [body.points.map(function (p) { return p[0]; }), body.points.map(function (p) { return number(p[1]); })];
    });
  }

  function fullHistory(runId, key, axis) {
    var xs = [], ys = [];
    function page(token, n) {
      return getJson("/api/2.0/mlflow/metrics/get-history?run_id=" + encodeURIComponent(runId) +
        "&metric_key=" + encodeURIComponent(key) + (token ? "&page_token=" + encodeURIComponent(token) : ""))
        .then(function (body) {
          if (!body) { throw new Error("no history"); }
          (body.metrics || []).forEach(function (m) { xs.push(axis === "step" ? m.step : m.timestamp); ys.push(number(m.value)); });
          return body.next_page_token && n + 1 < MAX_FALLBACK_PAGES ? page(body.next_page_token, n + 1) : sorted(xs, ys);
        });
    }
    return page(null, 0);
  }

  function sorted(xs, ys) {
    var order = xs.map(function (x, i) { return i; }).sort(function (a, b) { return xs[a] - xs[b]; });
    return [order.map(function (i) { return xs[i]; }), order.map(function (i) { return ys[i]; })];
  }

  // one series as the server has it (x = step or timestamp in ms), fetched once per page
  function pointsOf(runId, key, points, axis) {
    var id = runId + "\u0000" + key + "\u0000" + points + "\u0000" + axis;
    if (!fetched[id]) {
      fetched[id] = downsampled(runId, key, points, axis).then(function (d) { return d || fullHistory(runId, key, axis); });
    }
    return fetched[id];
  }

  // uPlot wants one x array shared by all lines: the union of xs, with null where a line has no point
  function align(histories) {
    var seen = {};
    histories.forEach(function (h) { h[0].forEach(function (x) { seen[x] = true; }); });
    var xs = Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    var data = [xs];
    histories.forEach(function (h) {
      var at = {};
      h[0].forEach(function (x, i) { at[x] = h[1][i]; });
      data.push(xs.map(function (x) { return x in at ? at[x] : null; }));
    });
    return data;
  }

  // TensorBoard's smoothing: an exponential moving average, debiased so the first points are not pulled to 0
  function smoothed(ys, weight) {
    var last = 0, n = 0;
    return ys.map(function (y) {
      if (y === null) { return null; }
      last = last * weight + (1 - weight) * y;
      n++;
      return last / (1 - Math.pow(weight, n));
    });
  }

  function controls() {
    var form = document.getElementById("view");
    var field = function (name) { return form && form.elements.namedItem(name); };
    var x = field("x"), log = field("log"), smooth = field("smooth");
    var weight = smooth ? parseFloat(smooth.value) : 0;
    return {
      x: x && ["step", "relative", "wall"].indexOf(x.value) >= 0 ? x.value : "step",
      log: !!(log && log.checked),
      smooth: isFinite(weight) ? Math.min(0.99, Math.max(0, weight)) : 0
    };
  }

  function axisOf(fig, view) {
    var fixed = fig.parentElement.dataset.x;
    return fixed || view.x;
  }

  function load(fig, view) {
    var lines = Array.prototype.slice.call(fig.querySelectorAll("span.series"));
    var width = Math.max(320, Math.min(640, fig.parentElement.clientWidth - 16));
    var axis = axisOf(fig, view) === "step" ? "step" : "timestamp";
    return Promise.all(lines.map(function (s) {
      return pointsOf(s.dataset.runId, fig.dataset.key, width, axis);
    })).then(function (histories) {
      return { fig: fig, lines: lines, width: width, histories: histories };
    }, function (e) {
      return { fig: fig, error: e };
    });
  }

  function note(fig, text) {
    var p = document.createElement("p");
    p.className = "empty chart-note";
    p.textContent = text;
    fig.appendChild(p);
  }

  function clear(fig) {
    if (fig.uplot) { fig.uplot.destroy(); fig.uplot = null; }
    fig.querySelectorAll(".chart-note").forEach(function (p) { p.remove(); });
  }

  function draw(loaded, view, origins) {
    var fig = loaded.fig;
    clear(fig);
    if (loaded.error) { note(fig, "chart unavailable: " + loaded.error.message); return; }
    var axis = axisOf(fig, view);
    var hidden = 0;
    var histories = loaded.histories.map(function (h, i) {
      var runId = loaded.lines[i].dataset.runId;
      var xs = h[0].map(function (x) {
        return axis === "step" ? x : axis === "wall" ? x / 1000 : (x - origins[runId]) / 1000;
      });
      var ys = h[1];
      if (view.log) {
        // a log scale has no place for zero or negatives: they are left out, and the chart says how many
        ys = ys.map(function (y) { if (y !== null && y <= 0) { hidden++; return null; } return y; });
      }
      return [xs, ys];
    });
    var aligned = histories.length === 1 ? histories[0] : align(histories);
    var data = [aligned[0]];
    var series = [{ label: axis === "step" ? "step" : axis === "wall" ? "time" : "seconds" }];
    loaded.lines.forEach(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      var ys = aligned[i + 1];
      if (view.smooth > 0) {
        series.push({ label: s.dataset.label + " (raw)", stroke: colour + "40", width: 1, spanGaps: true });
        data.push(ys);
        series.push({ label: s.dataset.label, stroke: colour, width: 1.5, spanGaps: true });
        data.push(smoothed(ys, view.smooth));
      } else {
        series.push({ label: s.dataset.label, stroke: colour, width: 1.5, spanGaps: true });
        data.push(ys);
      }
    });
    var drawable = data.slice(1).some(function (ys) { return ys.some(function (y) { return y !== null; }); });
    if (drawable) {
      fig.uplot = new uPlot({
        width: loaded.width, height: 220, series: series,
        scales: { x: { time: axis === "wall" }, y: view.log ? { distr: 3, log: 10 } : {} }
      }, data, fig);
    }
    if (hidden > 0) {
      note(fig, hidden + (hidden === 1 ? " value" : " values") + " at or below 0 hidden on the log scale");
    } else if (!drawable) {
      note(fig, "no values to draw");
    }
    fig.dataset.series = String(series.length - 1);
    fig.dataset.log = view.log ? "1" : "0";
    fig.dataset.x = axis;
    fig.dataset.hidden = String(hidden);
    fig.dataset.points = String(data[0].length);
    fig.dataset.drawnAt = String(performance.now()); // ms since the navigation started: the benchmark reads it
  }

  // every chart is fetched before any is drawn: relative time counts from each run's first point on the page
  function drawAll() {
    var view = controls();
    var generation = ++drawn; // a slower, older fetch (another x axis) must not draw over a newer view
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
    return Promise.all(figures.map(function (fig) { return load(fig, view); })).then(function (all) {
      if (generation !== drawn) { return; }
      var origins = {};
      all.forEach(function (loaded) {
        if (loaded.error || axisOf(loaded.fig, view) === "step") { return; }
        loaded.histories.forEach(function (h, i) {
          var runId = loaded.lines[i].dataset.runId;
          if (h[0].length && !(origins[runId] <= h[0][0])) { origins[runId] = h[0][0]; }
        });
      });
      all.forEach(function (loaded) { draw(loaded, view, origins); });
    });
  }

  function listen() {
    var form = document.getElementById("view");
    if (!form) { return; }
    var apply = document.querySelector(".chart-apply");
    if (apply) { apply.hidden = true; } // the charts follow the controls at once
    var output = document.querySelector(".smooth-value");
    ["x", "log", "smooth"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) { return; }
      field.addEventListener(name === "smooth" ? "input" : "change", function () {
        if (output) { output.textContent = Number(controls().smooth).toFixed(2); }
        var query = new URLSearchParams(new FormData(form));
        window.history.replaceState(null, "", location.pathname + "?" + query.toString());
        drawAll();
      });
    });
  }

  listen();
  drawAll();
})();
