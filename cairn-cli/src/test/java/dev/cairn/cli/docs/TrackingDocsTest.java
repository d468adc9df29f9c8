package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/tracking.md's shell session, run as written against a fresh server in a temporary folder. */
class TrackingDocsTest {
  static final Path PAGE = Path.of("..", "docs", "tracking.md");

  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    assertThat(runPage(PAGE, work)).isEmpty();
  }

  /** Runs a page's console blocks against a new server; returns one report per step that printed otherwise. */
  static List<String> runPage(Path page, Path work) throws Exception {
    return runPage(page, work, Map.of());
  }

  /** As {@link #runPage(Path, Path)}, with more environment; the server's data sits in {@code work/server}. */
  static List<String> runPage(Path page, Path work, Map<String, String> environment) throws Exception {
    Path data = work.resolve("server");
    return runPage(page, work, new ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
        "file:" + data.resolve("artifacts")), environment);
  }

  /** As {@link #runPage(Path, Path)} against a server started with {@code config}; the session runs in work/session. */
  static List<String> runPage(Path page, Path work, ServerConfig config) throws Exception {
    return runPage(page, work, config, Map.of());
  }

  static List<String> runPage(Path page, Path work, ServerConfig config, Map<String, String> environment)
      throws Exception {
    List<ConsoleSession.Step> steps = ConsoleSession.steps(page);
    assertThat(steps).as("console steps in %s", page).hasSizeGreaterThan(5);
    try (CairnServer server = CairnServer.start(config)) {
      Path session = java.nio.file.Files.createDirectories(work.resolve("session"));
      Map<String, String> env = new java.util.HashMap<>(environment);
      env.put("CAIRN_TRACKING_URI", server.url());
      List<List<String>> outputs = ConsoleSession.run(steps, session, env, 600);
      assertThat(outputs).as("one output per step").hasSameSizeAs(steps);
      List<String> reports = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        String report = ConsoleSession.mismatch(page, steps.get(i), outputs.get(i));
        if (report != null) {
          reports.add(report);
        }
      }
      return reports;
    }
  }
}
