package dev.cairn.cli;

import dev.cairn.client.CairnClient;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The workload the {@code cairn} launcher records a class-data-sharing archive from
 * ({@code -XX:ArchiveClassesAtExit}): the light commands as users run them, against a throw-away server and
 * data folder, so their classes load from the archive next time instead of being read and verified from the
 * jar. Not a user command; the launcher discards what the server logs.
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
    run("--help");
    run("--version");
    for (Class<?> group : Main.GROUPS) {
      run(group.getAnnotation(CommandLine.Command.class).name(), "--help");
    }
    run("runs", "list"); // a usage error
    String store = "sqlite:" + dir.resolve("cairn.db");
    String artifacts = "file:" + dir.resolve("artifacts");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, store, artifacts))) {
      String url = server.url();
      CairnClient client = CairnClient.connect(url);
      String experiment = client.createExperiment("training");
      String runId = client.run(experiment, "training", run -> run.logMetric("loss", 0.5, 1));
      run("--tracking-uri", url, "experiments", "list");
      run("--tracking-uri", url, "runs", "list", "--experiment-id", experiment);
      run("--tracking-uri", url, "runs", "search", "--experiment-id", experiment, "--filter", "metrics.loss < 1",
          "--json");
      run("--tracking-uri", url, "runs", "get", runId);
      run("--tracking-uri", url, "runs", "history", runId, "loss");
      run("--tracking-uri", url, "artifacts", "list", runId);
    }
    run("data", "log", "training", "--backend-store-uri", store, "--artifacts-uri", artifacts);
  }

  private static void run(String... args) {
    CommandLine cl = Main.commandLine(Map.of(), args);
    cl.setOut(new PrintWriter(Writer.nullWriter()));
    cl.setErr(new PrintWriter(Writer.nullWriter()));
    cl.execute(args);
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
