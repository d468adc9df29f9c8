package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/security.md's walk-through, run as written against a fresh server with authentication on whose data
 * folder is the session's {@code ./cairn-data} (so the page reads the admin token file where a user would).
 */
class SecurityDocsTest {
  static final Path PAGE = Path.of("..", "docs", "security.md");

  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    List<ConsoleSession.Step> steps = ConsoleSession.steps(PAGE);
    assertThat(steps).as("console steps in %s", PAGE).hasSizeGreaterThan(8);
    Path session = Files.createDirectories(work.resolve("session"));
    Path data = session.resolve("cairn-data");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0,
        "sqlite:" + data.resolve("cairn.db"), "file:" + data.resolve("artifacts")).withAuth(true))) {
      assertThat(server.adminTokenFile()).contains(data.resolve("admin-token"));
      List<List<String>> outputs = ConsoleSession.run(steps, session, Map.of("CAIRN_TRACKING_URI", server.url()), 600);
      assertThat(outputs).as("one output per step").hasSameSizeAs(steps);
      List<String> reports = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        String report = ConsoleSession.mismatch(PAGE, steps.get(i), outputs.get(i));
        if (report != null) {
          reports.add(report);
        }
      }
      assertThat(reports).isEmpty();
    }
  }
}
