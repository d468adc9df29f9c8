package dev.cairn.serving.alerts;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Alerts on a real PostgreSQL, where two evaluators' writes really run at once: a fresh database per test. */
class PostgresAlertEvaluatorTest extends AlertEvaluatorContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("alerts", List.of());
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
