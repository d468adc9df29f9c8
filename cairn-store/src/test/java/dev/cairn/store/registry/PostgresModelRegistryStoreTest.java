package dev.cairn.store.registry;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry contract on a real PostgreSQL (pooled writers, row locks): a fresh database per test. */
class PostgresModelRegistryStoreTest extends PromotionStoreContract {
  private static PostgresDatabases postgres;
  private SqlDatabase db;

  @BeforeAll
  static void startServer() {
    postgres = PostgresDatabases.start("registry", List.of(ModelRegistryStore.MIGRATIONS));
  }

  @AfterAll
  static void stopServer() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected ModelRegistryStore newStore() {
    db = MetadataStores.openDatabase(postgres.uri(postgres.fresh()), List.of(ModelRegistryStore.MIGRATIONS));
    return ModelRegistryStore.on(db);
  }

  @Override
  protected ModelVersionManifests manifests() {
    return new ModelVersionManifests(db);
  }

  @Override
  protected PromotionStore promotionStore() {
    return PromotionStore.on(db);
  }

  @Override
  protected void closeStore() {
    store.close();
    db.close();
  }
}
