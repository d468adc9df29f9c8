package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/audit.md's shell session, run as written against a fresh server, with {@code CAIRN_BACKEND_STORE_URI}
 * naming the server's SQLite file (for {@code cairn audit verify} and the page's {@code sqlite3} edit).
 */
class AuditDocsTest {
  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    String backend = "sqlite:" + work.resolve("server").resolve("cairn.db").toAbsolutePath();
    assertThat(TrackingDocsTest.runPage(Path.of("..", "docs", "audit.md"), work,
        Map.of("CAIRN_BACKEND_STORE_URI", backend))).isEmpty();
  }
}
