package dev.cairn.serving.log;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The prediction log and feedback tables on a real PostgreSQL: a fresh database per test. */
class PostgresPredictionLogStoreTest extends PredictionLogStoreContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("predlog", List.of());
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase(postgres.uri(postgres.fresh()), List.of());
  }
}
