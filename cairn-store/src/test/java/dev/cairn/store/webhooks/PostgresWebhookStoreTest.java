package dev.cairn.store.webhooks;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The webhook store on a real PostgreSQL: a fresh database per test. */
class PostgresWebhookStoreTest extends WebhookStoreContract {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("webhooks", List.of(WebhookStore.MIGRATIONS));
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase(postgres.uri(postgres.fresh()), List.of(WebhookStore.MIGRATIONS));
  }
}
