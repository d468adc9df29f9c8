package dev.cairn.store.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook tables join a database made without them (out-of-order migration, as for every module), and a
 * process opening it later with every module's migrations finds it current.
 */
class WebhookMigrationsTest {
  @TempDir Path dir;

  @Test
  void theWebhookTablesJoinADatabaseMadeByATrackingOnlyProcess() {
    String uri = "sqlite:" + dir.resolve("cairn.db");
    try (MetadataStore tracking = MetadataStores.open(uri, "file:/a")) {
      tracking.createExperiment("before", null, List.of());
    }
    try (SqlDatabase db = MetadataStores.openDatabase(uri, List.of(WebhookStore.MIGRATIONS))) {
      new WebhookStore(db).create(new WebhookSpec("a", null, "http://127.0.0.1:1/a",
          List.of(WebhookEvents.MODEL_VERSION_CREATED), null, null));
    }
    try (SqlDatabase db = MetadataStores.openDatabase(uri, List.of(WebhookStore.MIGRATIONS));
        MetadataStore tracking = MetadataStores.open(db, "file:/a")) {
      assertThat(new WebhookStore(db).list(10, null).items()).hasSize(1);
      assertThat(tracking.getExperimentByName("before")).isNotNull();
    }
  }
}
