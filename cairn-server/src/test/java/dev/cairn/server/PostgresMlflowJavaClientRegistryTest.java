package dev.cairn.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The MLflow Java client's registry calls again with PostgreSQL (embedded, a real server) as the backend. */
class PostgresMlflowJavaClientRegistryTest extends MlflowJavaClientRegistryTest {
  private EmbeddedPostgres postgres;

  @Override
  TestServer startServer() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    String backend = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
    java.nio.file.Path dir = Files.createTempDirectory("cairn-registry-pg");
    return TestServer.start(dir, backend, "file:" + dir.resolve("artifacts"), Map.of());
  }

  @AfterAll
  void stopPostgres() throws Exception {
    // runs before the superclass's @AfterAll: the server lets go of its connections before the database stops
    if (server != null) {
      server.close();
      server = null;
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
