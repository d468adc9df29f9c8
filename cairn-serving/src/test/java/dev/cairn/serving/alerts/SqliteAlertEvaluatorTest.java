package dev.cairn.serving.alerts;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;

class SqliteAlertEvaluatorTest extends AlertEvaluatorContract {
  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
  }
}
