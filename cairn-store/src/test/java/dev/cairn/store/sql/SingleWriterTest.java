package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SingleWriterTest {
  @TempDir Path dir;

  private Jdbi database() {
    Jdbi jdbi = Jdbi.create("jdbc:sqlite:" + dir.resolve("w.db"));
    jdbi.useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS t (v INTEGER)"));
    return jdbi;
  }

  @Test
  @Timeout(60)
  void interruptedCallerGetsTheRealOutcomeNotA503() throws Exception {
    SingleWriter writer = new SingleWriter(database(), "interrupt");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Object> outcome = new AtomicReference<>();
    AtomicReference<Boolean> flagAfter = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        outcome.set(writer.write(h -> {
          started.countDown();
          release.await(30, TimeUnit.SECONDS);
          return h.execute("INSERT INTO t VALUES (1)");
        }));
      } catch (RuntimeException e) {
        outcome.set(e);
      }
      flagAfter.set(Thread.currentThread().isInterrupted());
    });
    caller.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    Thread.sleep(300); // the interrupt has been seen by the waiting caller, which must keep waiting
    assertThat(caller.isAlive()).as("caller answered before its write's outcome was known").isTrue();
    release.countDown();
    caller.join(30_000);
    assertThat(outcome.get()).isEqualTo(1);
    assertThat(flagAfter.get()).as("interrupt status restored").isTrue();
    int rows = writer.write(h -> h.createQuery("SELECT count(*) FROM t").mapTo(Integer.class).one());
    assertThat(rows).isEqualTo(1);
    writer.close();
  }

  @Test
  @Timeout(120)
  void everyCallRacingCloseIsAnsweredNoneHangs() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 40; round++) {
        SingleWriter writer = new SingleWriter(database(), "race" + round);
        List<Future<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          calls.add(callers.submit(() -> {
            try {
              return writer.write(h -> h.execute("INSERT INTO t VALUES (2)"));
            } catch (CairnException e) {
              return e.code();
            }
          }));
        }
        writer.close();
        for (Future<Object> call : calls) {
          Object answer = call.get(30, TimeUnit.SECONDS); // before the fix, a call queued after stop never returned
          assertThat(answer).isIn(1, ErrorCode.TEMPORARILY_UNAVAILABLE);
        }
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  @Timeout(60)
  void writerTransactionsBeginImmediateSoAnotherConnectionsCommitCannotInvalidateThem() throws Exception {
    database();
    org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource(
        new org.sqlite.SQLiteConfig(SqlDatabases.writerPragmas()));
    ds.setUrl("jdbc:sqlite:" + dir.resolve("w.db"));
    SingleWriter writer = new SingleWriter(Jdbi.create(ds), "immediate");
    org.sqlite.SQLiteDataSource otherDs = new org.sqlite.SQLiteDataSource(
        new org.sqlite.SQLiteConfig(SqlDatabases.readerPragmas()));
    otherDs.setUrl("jdbc:sqlite:" + dir.resolve("w.db"));
    Jdbi other = Jdbi.create(otherDs);
    CountDownLatch otherCommitted = new CountDownLatch(1);
    AtomicReference<Throwable> otherFailure = new AtomicReference<>();
    int inserted = writer.write(h -> {
      h.createQuery("SELECT count(*) FROM t").mapTo(Integer.class).one(); // a read snapshot, as a run check takes
      Thread intruder = new Thread(() -> {
        try {
          other.useHandle(o -> o.execute("INSERT INTO t VALUES (9)"));
          otherCommitted.countDown();
        } catch (Throwable e) {
          otherFailure.set(e);
        }
      });
      intruder.start();
      // deferred: the other connection commits now and our write below fails with SQLITE_BUSY at once;
      // immediate: it waits for our commit under its busy timeout
      boolean committedMeanwhile = otherCommitted.await(2, TimeUnit.SECONDS);
      assertThat(committedMeanwhile).as("another connection wrote inside the writer's transaction").isFalse();
      return h.execute("INSERT INTO t VALUES (1)");
    });
    assertThat(inserted).isEqualTo(1);
    assertThat(otherCommitted.await(30, TimeUnit.SECONDS)).as("the other write, after ours: " + otherFailure.get())
        .isTrue();
    int rows = writer.write(h -> h.createQuery("SELECT count(*) FROM t").mapTo(Integer.class).one());
    assertThat(rows).isEqualTo(2);
    writer.close();
  }
}
