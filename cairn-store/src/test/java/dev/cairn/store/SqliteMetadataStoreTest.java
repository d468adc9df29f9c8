package dev.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a SQLite file, plus what only a file shows: reopening keeps data and migrations run once. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  protected MetadataStore newStore() {
    return MetadataStores.open("sqlite:" + dir.resolve("nested/dirs/cairn.db"), ROOT);
  }

  @Test
  void reopeningKeepsDataAndCreatesParentDirectories() {
    String id = store.createExperiment("kept", null, List.of());
    store.close();
    store = null;
    assertThat(Files.exists(dir.resolve("nested/dirs/cairn.db"))).isTrue();
    try (MetadataStore again = newStore()) {
      assertThat(again.getExperiment(id).name()).isEqualTo("kept");
      assertThat(again.getExperiment("0").name()).isEqualTo("Default");
    }
  }

  @Test
  void writesWaitOutAnotherConnectionsWriteLockAndReadsGoOn() throws Exception {
    String run = store.createRun("0", "ada", 1, "r", List.of()).runId();
    String url = "jdbc:sqlite:" + dir.resolve("nested/dirs/cairn.db");
    try (java.sql.Connection other = java.sql.DriverManager.getConnection(url);
        java.sql.Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE"); // another process (a CLI) holds the write lock for a while
      java.util.concurrent.CompletableFuture<Void> write = java.util.concurrent.CompletableFuture.runAsync(
          () -> store.logBatch(run, List.of(new dev.cairn.tracking.Metric("m", 1, 1, 1)), null, null));
      Thread.sleep(1500);
      assertThat(write).as("the write waits for the lock").isNotDone();
      assertThat(store.getRun(run).info().runName()).isEqualTo("r"); // WAL: reads are not blocked
      s.execute("COMMIT");
      write.get(60, java.util.concurrent.TimeUnit.SECONDS); // then it lands, no SQLITE_BUSY
    }
    assertThat(store.getMetricHistory(run, "m", 0, null).items()).hasSize(1);
  }

  @Test
  void unknownSchemeNamesKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetadataStores.open("mysql://x", ROOT))
        .hasMessageContaining("sqlite:").hasMessageContaining("postgresql:");
  }
}
