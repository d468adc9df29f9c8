package dev.cairn.server.ui;

import dev.cairn.server.CairnServer;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Tag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real server on SQLite with one experiment of four runs whose values the UI tests check. */
final class UiFixture implements AutoCloseable {
  static final String XSS_NAME = "<img src=x onerror=alert(1)>";
  final CairnServer server;
  final String experimentId;
  final String alpha;
  final String beta;
  final String gamma;
  final String xss;

  UiFixture(Path dir) {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")));
    MetadataStore store = server.metadataStore();
    experimentId = store.createExperiment("vision", null, List.of());
    store.createExperiment("speech", null, List.of());
    alpha = run(store, "alpha", "0.1", "adam", "a", 0.91);
    beta = run(store, "beta", "0.01", "adam", "b", 0.85);
    gamma = run(store, "gamma", "0.1", "sgd", "c", 0.70);
    xss = run(store, XSS_NAME, "0.5", "adam", "d", 0.5);
    // a history for alpha's charts: 100 steps of loss, ending at the latest acc above
    List<Metric> history = new ArrayList<>();
    for (int step = 0; step < 100; step++) {
      history.add(new Metric("loss", 1.0 / (step + 1), 1_700_000_000_000L + step, step));
    }
    store.logBatch(alpha, history, List.of(), List.of(new Tag("mlflow.source.git.commit", "0123abcd"),
        new Tag("cairn.source.git.dirty", "true"), new Tag("cairn.jdk", "17.0.12")));
    store.logInputs(alpha, List.of(new DatasetInput("churn-train", "sha256:ab12", "cairn", "datasets/churn@3", null,
        null, List.of(new Tag("mlflow.data.context", "training")))));
    String artifacts = ArtifactLocations.storePath(store.getRun(alpha).info().artifactUri(),
        server.artifactStore().rootUri());
    server.artifactStore().put(artifacts + "/notes & more.txt",
        new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
    server.artifactStore().put(artifacts + "/model/weights.bin", new ByteArrayInputStream(new byte[] {1, 2, 3}));
  }

  private String run(MetadataStore store, String name, String lr, String optimiser, String team, double acc) {
    String id = store.createRun(experimentId, "ana", System.currentTimeMillis(), name, List.of()).runId();
    store.logBatch(id, List.of(new Metric("acc", acc, System.currentTimeMillis(), 0)),
        List.of(new Param("lr", lr), new Param("opt", optimiser)), List.of(new Tag("team", team)));
    return id;
  }

  String url(String path) {
    return server.url() + path;
  }

  @Override
  public void close() {
    server.close();
  }
}
