package dev.cairn.pipeline;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.PostgresDatabases;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The pipeline tables on a real PostgreSQL (embedded), a fresh database per test. */
class PipelineStorePostgresTest extends PipelineStoreTest {
  static PostgresDatabases postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresDatabases.start("pipeline", List.of(PipelineStore.MIGRATIONS));
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  SqlDatabase openDatabase() {
    return MetadataStores.openDatabase(postgres.uri(postgres.fresh()), List.of(PipelineStore.MIGRATIONS));
  }
}
