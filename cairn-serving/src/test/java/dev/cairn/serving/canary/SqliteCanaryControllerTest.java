package dev.cairn.serving.canary;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;

class SqliteCanaryControllerTest extends CanaryControllerContract {
  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
  }

  @Override
  protected SqlDatabase restartedDatabase(SqlDatabase current) {
    current.close();
    return newDatabase();
  }
}
