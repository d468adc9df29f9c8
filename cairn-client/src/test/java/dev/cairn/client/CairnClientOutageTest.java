package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.RunStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracking server goes away for 20 s in the middle of a training loop and comes back on the same port and data. */
class CairnClientOutageTest {
  static final int QUEUE = 500;

  @Test
  void aTwentySecondOutageNeitherStopsTheLoopNorLosesAPointThatIsNotCounted(@TempDir Path dir) throws Exception {
    CairnServer server = TestServer.start(dir);
    int port = server.port();
    CairnClient client = CairnClient.connect(server.url());
    String experimentId = client.createExperiment("outage");
    // A small queue so that the outage overflows it; a long maxWait so that a call that waited would show.
    ActiveRun run = client.startRun(experimentId, "outage",
        RunOptions.defaults().withAutoTags(false).withQueueCapacity(QUEUE).withMaxWait(Duration.ofMinutes(10)));
    AtomicLong logged = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> loopError = new AtomicReference<>();
    Thread loop = new Thread(() -> {
      try {
        for (long step = 0; !stop.get(); step++) {
          run.logMetric("loss", 1.0 / (step + 1), step);
          logged.set(step + 1);
          Thread.sleep(2);
        }
      } catch (Throwable t) {
        loopError.set(t);
      }
    }, "training-loop");
    loop.start();
    try {
      awaitTrue(() -> logged.get() >= 1000 || loopError.get() != null, "the loop logs its first points");
      long beforeStop = logged.get();
      server.close();
      long atStop = logged.get();
      Thread.sleep(20_000);
      long atRestart = logged.get();
      server = TestServer.start(dir, port);
      awaitTrue(() -> !run.isServerUnreachable(), "the logger reaches the restarted server");
      long afterRecovery = logged.get();
      awaitTrue(() -> logged.get() >= afterRecovery + 1000 || loopError.get() != null, "the loop logs after the restart");
      if (loopError.get() != null) {
        throw new AssertionError("the loop failed after the restart", loopError.get());
      }
      stop.set(true);
      loop.join();
      assertThat(loopError.get()).as("the loop never failed").isNull();
      run.close();

      long total = logged.get();
      DroppedCounts dropped = run.dropped();
      List<Metric> history = client.getMetricHistory(run.runId(), "loss");
      Set<Long> stored = history.stream().map(Metric::step).collect(Collectors.toCollection(TreeSet::new));
      System.out.printf("outage: %d points logged (%d during the outage), %d stored rows, %d distinct, %d dropped,"
          + " rejected %s%n", total, atRestart - atStop, history.size(), stored.size(), dropped.metrics(), run.rejected());
      StringBuilder gaps = new StringBuilder();
      for (long s = 0; s < total; s++) {
        if (!stored.contains(s)) {
          long from = s;
          while (s + 1 < total && !stored.contains(s + 1)) {
            s++;
          }
          gaps.append(' ').append(from).append('-').append(s);
        }
      }
      System.out.println("outage: steps not stored:" + gaps + " (before stop " + beforeStop + ", at stop " + atStop
          + ", at restart " + atRestart + ", after recovery " + afterRecovery + ")");

      // The loop went on during the outage: more iterations than the queue holds, so no call waited for room.
      assertThat(atRestart - atStop).isGreaterThan(3L * QUEUE);
      assertThat(dropped.metrics()).isPositive();
      // Every point is stored once or counted as dropped. A batch whose request was cut by the stop is retried;
      // the server ignores an exact duplicate point (MLflow's key), so the retry stores nothing twice.
      assertThat(history).hasSize(stored.size());
      // A point the server refused as invalid would be listed here, neither stored nor dropped.
      assertThat(run.rejected()).as("points the server refused, with its reasons").isEmpty();
      assertThat(stored.size() + dropped.metrics()).as("stored + dropped; steps not stored:%s", gaps).isEqualTo(total);
      assertThat(stored).containsAll(LongStream.range(afterRecovery, total).boxed().toList());
      assertThat(stored).containsAll(LongStream.range(0, beforeStop - QUEUE - BatchingLogger.MAX_ENTITIES).boxed().toList());
      var info = client.getRun(run.runId());
      assertThat(info.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(CairnClient.tagMap(info.tags()).get(ActiveRun.DROPPED_TAG))
          .isEqualTo("metrics=" + dropped.metrics() + " params=0 tags=0");
    } finally {
      stop.set(true);
      loop.join();
      server.close();
    }
  }

  private static void printThreads() {
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      System.out.println("thread " + thread.getName() + " " + thread.getState());
      for (StackTraceElement frame : stack) {
        System.out.println("    at " + frame);
      }
    });
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        printThreads(); // on CI, the only way to see where a sender is stuck
      }
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
