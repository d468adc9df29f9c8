package dev.cairn.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;

/** The MLflow 3 log_model replay against a server on PostgreSQL (the server's migrations include the models'). */
class MlflowThreeLogModelPostgresTest extends MlflowThreeLogModelReplayTest {
  private EmbeddedPostgres postgres;

  @Override
  TestServer startServer(Path dir) throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    String backend = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
    return TestServer.start(dir, backend, "file:" + dir.resolve("artifacts"), Map.of());
  }

  @Override
  void stop() throws Exception {
    try {
      super.stop();
    } finally {
      postgres.close();
    }
  }
}
