package dev.cairn.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SqliteMonitorOpsTest extends MonitorOpsContract {
  @Override
  protected SqlDatabase newDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
  }

  /** SQLite has one writer: holding it stalls every write, and counting must go on regardless. */
  @Test
  void countingNeverWaitsForAStalledDatabase() throws Exception {
    ServingCounts counts = new ServingCounts(db, "r", now::get);
    ServingCounts.Counter c = counts.counter("d", "m", 1);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> db.write(h -> {
      holding.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    holder.start();
    assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
    c.answered(1);
    now.addAndGet(5000);
    Thread flusher = new Thread(() -> counts.flush(false)); // blocks on the held writer
    flusher.start();
    for (int i = 0; i < 10_000; i++) {
      c.answered(2);
      c.failed();
    }
    assertThat(flusher.isAlive()).as("the flush is still waiting for the database").isTrue();
    assertThat(release.getCount()).as("and all the counting happened meanwhile").isEqualTo(1);
    release.countDown();
    holder.join(30_000);
    flusher.join(30_000);
    counts.close();
    List<Long> totals = db.read(h -> h.createQuery("SELECT SUM(requests) FROM serving_counts").mapTo(Long.class)
        .list());
    assertThat(totals).containsExactly(10_001L);
  }
}
