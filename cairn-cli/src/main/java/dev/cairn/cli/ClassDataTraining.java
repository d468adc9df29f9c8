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
