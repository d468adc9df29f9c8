package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/security.md's walk-through, run as written against a fresh server with authentication on whose data
 * folder is the session's {@code ./cairn-data} (so the page reads the admin token file where a user would).
 */
class SecurityDocsTest {
  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    Path data = work.resolve("session").resolve("cairn-data");
    ServerConfig config = new ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
        "file:" + data.resolve("artifacts")).withAuth(true);
    assertThat(TrackingDocsTest.runPage(Path.of("..", "docs", "security.md"), work, config)).isEmpty();
    assertThat(data.resolve("admin-token")).exists();
  }
}
