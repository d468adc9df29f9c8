package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The workload the {@code cairn} launcher records a static class-data-sharing archive from (the classes it loads,
 * listed by {@code -XX:DumpLoadedClassList}): the light commands as users run them and a server started on a new
 * and on an existing data folder, against throw-away folders, so their classes load from the archive next time
 * instead of being read and verified from the jar. Not a user command; what it logs goes to the launcher's
 * {@code cairn.jsa.log}.
 */
public final class ClassDataTraining {
  private ClassDataTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("cairn-cds-");
    try {
      train(dir);
    } finally {
      deleteTree(dir);
    }
  }

  private static void train(Path dir) {
    run(0, "--help");
    run(0, "--version");
    for (Class<?> group : Main.GROUPS) {
      run(0, group.getAnnotation(CommandLine.Command.class).name(), "--help");
    }
    run(Main.EXIT_USAGE, "runs", "list"); // a usage error
    String store = "sqlite:" + dir.resolve("cairn.db");
    String artifacts = "file:" + dir.resolve("artifacts");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, store, artifacts))) {
      String url = server.url();
      CairnClient client = CairnClient.connect(url);
      String experiment = client.createExperiment("training");
      String runId = client.run(experiment, "training", run -> run.logMetric("loss", 0.5, 1));
      run(0, "--tracking-uri", url, "experiments", "list");
      run(0, "--tracking-uri", url, "runs", "list", "--experiment-id", experiment);
      run(0, "--tracking-uri", url, "runs", "search", "--experiment-id", experiment, "--filter", "metrics.loss < 1",
          "--json");
      run(0, "--tracking-uri", url, "runs", "get", runId);
      run(0, "--tracking-uri", url, "runs", "history", runId, "loss");
      run(0, "--tracking-uri", url, "artifacts", "list", runId);
    }
    // a restart: the database is up to date, so the open skips Flyway and takes another path
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, store, artifacts))) {
      CairnClient.connect(server.url()).searchExperiments();
    }
    run(1, "data", "log", "training", "--backend-store-uri", store, "--artifacts-uri", artifacts); // no such dataset
    pipeline(dir, store, artifacts);
  }

  /**
   * A small pipeline through every built-in step but search, run and then served from the cache, so a cached re-run
   * (the common case) maps its classes, the ML libraries' included, instead of loading them from the jar.
   */
  private static void pipeline(Path dir, String store, String artifacts) {
    Path project = dir.resolve("pipeline");
    try {
      Files.createDirectories(project);
      StringBuilder csv = new StringBuilder("x,group,label\n");
      for (int i = 0; i < 200; i++) {
        csv.append(i % 10).append(',').append(i % 3 == 0 ? "a" : "b").append(',').append(i % 10 > 4 ? 1 : 0)
            .append('\n');
      }
      Files.writeString(project.resolve("data.csv"), csv);
      Files.writeString(project.resolve("suite.yaml"), "expectations:\n  - kind: not_null\n    column: x\n");
      Files.writeString(project.resolve("pipeline.yaml"), String.join("\n",
          "name: training",
          "steps:",
          "  load: {uses: dataset, params: {name: training, path: data.csv}}",
          "  check: {uses: validate, inputs: {data: load.data}, params: {suite: suite.yaml}}",
          "  split: {uses: split, inputs: {data: check.data}, params: {stratify: label}}",
          "  transform: {uses: transform, inputs: {train: split.train}, params: {label: label}}",
          "  train: {uses: train, inputs: {train: split.train, features: transform.features}, params: {label: label}}",
          "  evaluate: {uses: evaluate, inputs: {model: train.model, test: split.test}, params: {slices: group}}",
          "  gate: {uses: gate, inputs: {evaluation: evaluate.evaluation}, params: {checks: 'accuracy >= 0',"
              + " model: training}}",
          "  register: {uses: register, inputs: {model: train.model, evaluation: evaluate.evaluation,"
              + " decision: gate.decision}, params: {name: training, alias: champion}}",
          ""));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String file = project.resolve("pipeline.yaml").toString();
    String[] stores = {"--backend-store-uri", store, "--artifacts-uri", artifacts, "--stat-cache",
        dir.resolve("statcache").toString()};
    for (int i = 0; i < 2; i++) { // the second is all cache hits
      run(0, concat(new String[] {"pipeline", "run", file}, stores));
    }
    run(0, concat(new String[] {"pipeline", "list"}, stores));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Runs one command; another exit code than expected means the training no longer covers what it should. */
  private static void run(int expectedExit, String... args) {
    CommandLine cl = Main.commandLine(Map.of(), args);
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(Writer.nullWriter()));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    if (exit != expectedExit) {
      throw new IllegalStateException("cairn " + String.join(" ", args) + " exited " + exit + ", not " + expectedExit
          + ": " + err);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
