package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.audit.AuditEvent;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset version recorded inside an audit scope leaves one event naming {@code dataset:NAME@VERSION}. */
class DatasetAuditTest {
  @TempDir Path dir;

  @AfterEach
  void leaveScope() {
    AuditScope.clear();
  }

  @Test
  void aNewVersionIsAuditedAndAnIdenticalReAddNamesTheVersionItReturned() {
    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("c.db"),
        List.of(DatasetVersionStore.MIGRATIONS));
        DatasetVersionStore datasets = DatasetVersionStore.on(db)) {
      AuditScope.enter(new AuditScope("ada", "r1", "10.0.0.1", "POST /api/cairn/v1/datasets/{name}/versions"));
      datasets.record(DatasetVersionStoreTest.version("churn", "1"));
      datasets.record(DatasetVersionStoreTest.version("churn", "2"));
      datasets.record(DatasetVersionStoreTest.version("churn", "2"));
      AuditScope.clear();
      datasets.record(DatasetVersionStoreTest.version("churn", "3")); // outside any scope: not audited

      AuditLog log = new AuditLog(db);
      List<AuditEvent> events = log.search(new AuditLog.Query(null, "dataset:", null, null, null, false, 10, null))
          .items();
      assertThat(events).extracting(AuditEvent::target).containsExactly("dataset:churn@1", "dataset:churn@2",
          "dataset:churn@2");
      assertThat(events.get(1).after()).contains("\"parent_version\":1").contains("\"manifest_sha256\"");
      assertThat(events.get(2).after()).isNull();
      assertThat(events).allMatch(e -> e.actor().equals("ada"));
      assertThat(log.verify().ok()).isTrue();
    }
  }
}
