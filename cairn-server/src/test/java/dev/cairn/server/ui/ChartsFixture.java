package dev.cairn.server.ui;

import dev.cairn.server.CairnServer;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real server on SQLite with three runs for the chart and comparison tests: a numeric param (lr), a categorical
 * one (opt), one holding HTML (note, missing on one run), a latest metric (acc), and for the first run a loss
 * history with three values at or below zero and a system metric sampled every second.
 */
final class ChartsFixture implements AutoCloseable {
  static final String SCRIPT = "<script>alert(1)</script>";
  static final String CPU = "system/cpu_utilization_percentage";
  static final int CPU_SAMPLES = 30;
  static final long T0 = 1_700_000_000_000L;
  final CairnServer server;
  final String experimentId;
  /** lr 0.001, adam, acc 0.5, note = SCRIPT; the histories. */
  final String small;
  /** lr 0.01, adam, acc 0.7, no note. */
  final String mid;
  /** lr 0.1, sgd, acc 0.9, note = plain. */
  final String large;

  ChartsFixture(Path dir) {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")));
    MetadataStore store = server.metadataStore();
    experimentId = store.createExperiment("charts", null, List.of());
    small = run(store, "small", "0.001", "adam", SCRIPT, 0.5);
    mid = run(store, "mid", "0.01", "adam", null, 0.7);
    large = run(store, "large", "0.1", "sgd", "plain", 0.9);
    List<Metric> history = new ArrayList<>();
    for (int step = 0; step < 100; step++) {
      double v = step == 10 ? 0 : step == 20 || step == 30 ? -0.5 : 1.0 / (step + 1) + (step % 2) * 0.05;
      history.add(new Metric("loss", v, T0 + 10_000 + step * 100L, step));
    }
    for (int i = 0; i < CPU_SAMPLES; i++) {
      history.add(new Metric(CPU, 20 + i, T0 + i * 1000L, i));
    }
    store.logBatch(small, history, List.of(), List.of());
  }

  private String run(MetadataStore store, String name, String lr, String opt, String note, double acc) {
    String id = store.createRun(experimentId, "ana", T0, name, List.of()).runId();
    List<Param> params = new ArrayList<>(List.of(new Param("lr", lr), new Param("opt", opt)));
    if (note != null) {
      params.add(new Param("note", note));
    }
    store.logBatch(id, List.of(new Metric("acc", acc, T0, 0)), params, List.of());
    return id;
  }

  String url(String path) {
    return server.url() + path;
  }

  String compareUrl() {
    return "/ui/compare?run_ids=" + small + "&run_ids=" + mid + "&run_ids=" + large;
  }

  @Override
  public void close() {
    server.close();
  }
}
