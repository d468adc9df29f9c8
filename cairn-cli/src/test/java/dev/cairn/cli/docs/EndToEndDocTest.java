package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/end-to-end.md run as written in a fresh folder: the training steps first, with no server (pipelines need the
 * data folder to themselves), then a server on that folder with one-second canary checks, as the page starts it,
 * for the rest. The page's files ({@code traffic.sh}, {@code rules.yaml}) are written from its blocks.
 */
class EndToEndDocTest {
  static final Path PAGE = Path.of("..", "docs", "end-to-end.md");
  static final long HOUR = 3_600_000;

  @Test
  void theWalkThroughTrainsDeploysPromotesACanaryAndFiresADriftAlert(@TempDir Path work) throws Exception {
    Path session = Files.createDirectories(work.resolve("session"));
    Files.createSymbolicLink(session.resolve("examples"), Path.of("..", "examples").toAbsolutePath().normalize());
    assertThat(writeFileBlocks(session)).containsExactly("traffic.sh", "rules.yaml");
    List<ConsoleSession.Step> steps = ConsoleSession.steps(PAGE);
    int training = 0;
    while (steps.get(training).command().startsWith("cairn pipeline run")) {
      training++;
    }
    assertThat(training).as("the page trains before it starts the server").isEqualTo(2);
    List<String> reports = new ArrayList<>();
    long started = System.nanoTime();
    check(steps.subList(0, training), ConsoleSession.run(steps.subList(0, training), session, Map.of(), 600), reports);
    long trained = System.nanoTime();

    // the traffic, the canary and the alert's evaluation must fall in one 60-minute monitor window
    while (System.currentTimeMillis() % HOUR > HOUR - 240_000) {
      Thread.sleep(1000);
    }
    System.setProperty("cairn.canary.check-seconds", "1"); // CAIRN_CANARY_CHECK_SECONDS=1, as the page starts it
    System.setProperty("cairn.alerts.interval-seconds", "0"); // only the page's own evaluation
    Path data = session.resolve("cairn-data");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
        "file:" + data.resolve("artifacts")))) {
      List<ConsoleSession.Step> rest = steps.subList(training, steps.size());
      long serving = System.nanoTime();
      check(rest, ConsoleSession.run(rest, session, Map.of("CAIRN_TRACKING_URI", server.url()), 600), reports);
      System.out.printf("end-to-end.md: training %.1f s, the served part %.1f s%n", (trained - started) / 1e9,
          (System.nanoTime() - serving) / 1e9);
    } finally {
      System.clearProperty("cairn.canary.check-seconds");
      System.clearProperty("cairn.alerts.interval-seconds");
    }
    assertThat(reports).isEmpty();
  }

  private static void check(List<ConsoleSession.Step> steps, List<List<String>> outputs, List<String> reports) {
    assertThat(outputs).as("one output per step").hasSameSizeAs(steps);
    for (int i = 0; i < steps.size(); i++) {
      String report = ConsoleSession.mismatch(PAGE, steps.get(i), outputs.get(i));
      if (report != null) {
        reports.add(report);
      }
    }
  }

  /** Writes each yaml or bash block of the page whose first line is {@code # FILE ...} to FILE; returns the names. */
  static List<String> writeFileBlocks(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(PAGE, StandardCharsets.UTF_8);
    List<String> written = new ArrayList<>();
    for (int i = 0; i + 1 < lines.size(); i++) {
      String fence = lines.get(i).strip();
      if ((fence.equals("```yaml") || fence.equals("```bash")) && lines.get(i + 1).matches("# [\\w.-]+\\.\\w+\\b.*")) {
        String file = lines.get(i + 1).substring(2).split("[ :]", 2)[0];
        StringBuilder text = new StringBuilder();
        for (int j = i + 1; !lines.get(j).startsWith("```"); j++) {
          text.append(lines.get(j)).append('\n');
        }
        Files.writeString(dir.resolve(file), text);
        written.add(file);
      }
    }
    return written;
  }
}
