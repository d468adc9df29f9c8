package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/governance.md's walk-through (four-eyes promotion, rollback, history, audit, lineage), run as written
 * against a fresh server with authentication on whose data folder is the session's {@code ./cairn-data}.
 */
class GovernanceDocsTest {
  @Test
  void theFourEyesWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    Path data = work.resolve("session").resolve("cairn-data");
    ServerConfig config = new ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
        "file:" + data.resolve("artifacts")).withAuth(true);
    assertThat(TrackingDocsTest.runPage(Path.of("..", "docs", "governance.md"), work, config)).isEmpty();
  }
}
