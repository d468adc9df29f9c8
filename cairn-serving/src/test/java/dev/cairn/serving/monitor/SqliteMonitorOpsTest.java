package dev.cairn.serving.monitor;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;

class SqliteMonitorOpsTest extends MonitorOpsContract {
  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
  }
}
