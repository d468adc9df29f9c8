package dev.cairn.serving.log;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

class SqlitePredictionLogStoreTest extends PredictionLogStoreContract {
  @TempDir Path dir;

  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
  }
}
