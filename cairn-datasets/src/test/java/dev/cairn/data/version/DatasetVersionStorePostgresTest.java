package dev.cairn.data.version;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same version-table rules on a real PostgreSQL (embedded), one fresh database per test. */
class DatasetVersionStorePostgresTest extends DatasetVersionStoreTest {
  static EmbeddedPostgres postgres;
  static final AtomicInteger DATABASES = new AtomicInteger();

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  DatasetVersionStore openStore() {
    String db = "datasets_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return DatasetVersionStore.open("postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + db);
  }
}
