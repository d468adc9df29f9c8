package dev.cairn.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on a real PostgreSQL: one embedded server for the class, a fresh database for each test. */
class PostgresMetadataStoreTest extends MetadataStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startServer() throws IOException {
    postgres = EmbeddedPostgres.start();
    // migrate once; each test then copies the migrated template, which is much faster than migrating
    execute("CREATE DATABASE cairn_template");
    MetadataStores.open(url("cairn_template"), ROOT).close();
  }

  private static String url(String db) {
    return "postgresql://localhost:" + postgres.getPort() + "/" + db + "?user=postgres";
  }

  private static void execute(String sql) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected MetadataStore newStore() {
    String db = "cairn_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + db + " TEMPLATE cairn_template");
    return MetadataStores.open(url(db), ROOT);
  }
}
