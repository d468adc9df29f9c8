package dev.cairn.store.identity;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The identity contract on a real PostgreSQL: one embedded server for the class, a fresh database per test. */
class PostgresIdentityStoreTest extends IdentityStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startServer() throws IOException {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected SqlDatabase newDatabase() {
    String db = "identity_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return MetadataStores.openDatabase("postgresql://localhost:" + postgres.getPort() + "/" + db + "?user=postgres",
        List.of(IdentityStore.MIGRATIONS));
  }
}
