package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the metadata store fails underneath the server, clients get an opaque 500 and /health says 503. */
class StoreFailureTest {
  @TempDir Path dir;

  @Test
  void aBrokenStoreGives500WithoutInternalsAndHealth503() {
    try (TestServer server = TestServer.start(dir)) {
      server.server.metadataStore().close();

      TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
      assertThat(r.status()).as(r.toString()).isEqualTo(500);
      assertThat(r.errorCode()).isEqualTo("INTERNAL_ERROR");
      assertThat(r.json().get("message").asText()).doesNotContainIgnoringCase("exception")
          .doesNotContainIgnoringCase("sql").doesNotContain(dir.toString());

      TestServer.Reply health = server.get("/health");
      assertThat(health.status()).as(health.toString()).isEqualTo(503);
      assertThat(health.json().get("status").asText()).isEqualTo("down");
    }
  }
}
