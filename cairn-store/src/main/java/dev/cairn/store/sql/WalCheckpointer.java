package dev.cairn.store.sql;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the SQLite write-ahead log back into the database file from its own thread and connection, so the
 * writer thread never stalls on a checkpoint's fsyncs (the writer's automatic checkpoints are off). PASSIVE
 * checkpoints never block the writer or readers; they skip what a reader still needs and catch up next time.
 */
final class WalCheckpointer implements AutoCloseable {
  static final long PERIOD_MILLIS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
  private final ScheduledExecutorService timer;

  WalCheckpointer(Jdbi jdbi, String name, long periodMillis) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-sqlite-checkpoint-" + name);
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        jdbi.useHandle(h -> h.createQuery("PRAGMA wal_checkpoint(PASSIVE)").mapToMap().list());
      } catch (RuntimeException e) {
        LOG.warn("WAL checkpoint failed; will retry", e);
      }
    }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
