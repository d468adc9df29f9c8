package dev.cairn.store.loggedmodels;

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

/** The logged-model contract on a real PostgreSQL: one embedded server, a fresh migrated database per test. */
class PostgresLoggedModelStoreTest extends LoggedModelStoreContract {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startServer() throws IOException {
    postgres = EmbeddedPostgres.start();
    execute("CREATE DATABASE models_template");
    MetadataStores.openDatabase(url("models_template"), List.of(LoggedModelStore.MIGRATIONS)).close();
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
  protected Stores newStores() {
    String db = "models_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + db + " TEMPLATE models_template");
    SqlDatabase database = MetadataStores.openDatabase(url(db), List.of(LoggedModelStore.MIGRATIONS));
    return new Stores(MetadataStores.open(database, "mlflow-artifacts:"), LoggedModelStore.on(database));
  }
}
