package dev.cairn.store.registry;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on a SQLite file (one writer thread). */
class SqliteModelRegistryStoreTest extends PromotionStoreContract {
  @TempDir
  Path dir;
  private SqlDatabase db;

  @Override
  protected ModelRegistryStore newStore() {
    db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(ModelRegistryStore.MIGRATIONS));
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
