package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a SQLite store that fails after its pools and writer thread exist (here: the default experiment cannot be
 * written) closes them all again: no pool, housekeeper or writer thread outlives the failed open.
 */
class SqlDatabasesOpenFailureTest {
  @TempDir Path dir;

  @Test
  void aFailedOpenLeavesNoPoolsOrThreadsBehind() throws Exception {
    Path file = dir.resolve("refusing.db");
    dev.cairn.store.MetadataStores.open("sqlite:" + file, "file:///tmp/a").close(); // migrated
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("DELETE FROM experiments");
      s.execute("CREATE TRIGGER refuse BEFORE INSERT ON experiments BEGIN SELECT RAISE(ABORT, 'refused'); END");
    }
    awaitNoStoreThreads(); // the first store's threads are gone before the failing open is judged

    for (int attempt = 0; attempt < 3; attempt++) {
      assertThatThrownBy(() -> dev.cairn.store.MetadataStores.open("sqlite:" + file, "file:///tmp/a")).hasStackTraceContaining("refused");
    }

    awaitNoStoreThreads();
  }

  /** Waits (bounded) until no thread of a SQLite store or its pools is alive; fails naming the survivors. */
  private static void awaitNoStoreThreads() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> alive = storeThreads();
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      alive = storeThreads();
    }
    assertThat(alive).as("threads left by failed opens").isEmpty();
  }

  private static List<String> storeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("cairn-sqlite"))
        .toList();
  }
}
