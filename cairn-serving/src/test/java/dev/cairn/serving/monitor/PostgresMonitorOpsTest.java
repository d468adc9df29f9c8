package dev.cairn.serving.monitor;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Serving counts, process samples and scheduled windows on a real PostgreSQL: a fresh database per test. */
class PostgresMonitorOpsTest extends MonitorOpsContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("monitorops", List.of());
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
