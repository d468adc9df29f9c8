package dev.cairn.store.loggedmodels;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The logged-model contract on a real PostgreSQL: one embedded server, a fresh migrated database per test. */
class PostgresLoggedModelStoreTest extends LoggedModelStoreContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("models", List.of(LoggedModelStore.MIGRATIONS));
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected Stores newStores() {
    SqlDatabase database = MetadataStores.openDatabase(postgres.uri(postgres.fresh()), List.of(LoggedModelStore.MIGRATIONS));
    return new Stores(MetadataStores.open(database, "mlflow-artifacts:"), LoggedModelStore.on(database));
  }
}
