package dev.cairn.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations half of monitor windows on a real database: serving counts flushed per replica, errors and error
 * rates, process samples, windows of N predictions, and the scheduler storing closed windows.
 */
abstract class MonitorOpsContract {
  static final long HOUR = MonitorServiceContract.HOUR;

  @TempDir
  Path dir;
  SqlDatabase db;
  PredictionStore predictions;
  FeedbackStore feedback;
  BundleManifest manifest;
  final AtomicLong now = new AtomicLong(10_000);

  @BeforeEach
  void open() {
    db = newDatabase();
    predictions = new PredictionStore(db);
    feedback = new FeedbackStore(db, predictions);
    manifest = ModelBundle.load(TestBundles.write(dir.resolve("bundle"), "logistic_regression", Task.CLASSIFICATION,
        Map.of(), Map.of(), true)).manifest();
  }

  @AfterEach
  void close() {
    db.close();
  }

  protected abstract SqlDatabase newDatabase();

  MonitorService service(ServingCounts counts) {
    return new MonitorService(db, predictions, feedback, (model, version) -> manifest, DriftOptions.DEFAULT, now::get,
        counts, true);
  }

  long count(String sql) {
    return db.read(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  @Test
  void everyReplicaFlushesItsOwnRowsAndWindowsReportErrorsAndTheirRate() {
    ServingCounts a = new ServingCounts(db, "replica-a", now::get);
    ServingCounts b = new ServingCounts(db, "replica-b", now::get);
    predictions.insert(MonitorServiceContract.logged("p", 1, 10_000, 50, false)); // one a second from 10 s
    ServingCounts.Counter v1 = a.counter("churn-prod", "churn", 1);
    for (int i = 0; i < 50; i++) {
      now.set(10_000 + i * 1000L);
      v1.answered(1);
      if (i % 10 == 0) {
        v1.failed(); // 5 failures
      }
    }
    b.counter("churn-prod", "churn", 1).failed();
    b.counter("churn-prod", "churn", 2).failed(); // version 2's requests all failed
    b.counter("churn-prod", "churn", 2).failed();
    b.counter("churn-prod", ServingCounts.NO_VERSION, 0).failed(); // before a version was chosen
    a.counter("other", "churn", 1).failed();

    a.flush(false);
    long written = count("SELECT COUNT(*) FROM serving_counts WHERE replica = 'replica-a'");
    assertThat(written).as("the current second waits for stragglers").isEqualTo(48);
    now.addAndGet(2000);
    a.flush(false);
    b.flush(false);
    assertThat(count("SELECT SUM(requests) FROM serving_counts WHERE replica = 'replica-a'")).isEqualTo(50);
    assertThat(count("SELECT SUM(errors) FROM serving_counts WHERE replica = 'replica-a'")).isEqualTo(6);
    assertThat(count("SELECT SUM(errors) FROM serving_counts WHERE replica = 'replica-b'")).isEqualTo(4);

    now.set(2 * HOUR + MonitorService.GRACE_MS);
    List<MonitorWindow> windows = service(a).windows("churn-prod", 0, HOUR, 60);
    assertThat(windows).extracting(w -> w.modelName() + "/" + w.modelVersion())
        .containsExactly("/0", "churn/1", "churn/2");
    MonitorWindow.Operations v1ops = windows.get(1).operations();
    assertThat(v1ops.requests()).isEqualTo(50);
    assertThat(v1ops.served()).isEqualTo(50);
    assertThat(v1ops.errors()).as("both replicas' failures").isEqualTo(6);
    assertThat(v1ops.errorRate()).isCloseTo(6.0 / 56, within(1e-12));
    assertThat(windows.get(2).operations().errors()).isEqualTo(2);
    assertThat(windows.get(2).operations().errorRate()).isEqualTo(1.0);
    assertThat(windows.get(0).operations().errors()).isEqualTo(1);
    // stored (closed) and read back with the same figures
    assertThat(service(a).windows("churn-prod", 0, HOUR, 60)).usingRecursiveComparison().isEqualTo(windows);
    assertThat(count("SELECT COUNT(*) FROM monitor_windows")).isEqualTo(3);
  }

  @Test
  void aSecondFlushedTwiceAddsToItsRow() {
    ServingCounts counts = new ServingCounts(db, "r", now::get);
    ServingCounts.Counter c = counts.counter("d", "m", 3);
    c.answered(4);
    counts.flush(true);
    c.answered(2);
    c.failed();
    counts.close(); // flushes everything, the same second again
    List<List<Long>> rows = db.read(h -> h.createQuery("SELECT requests, predictions, errors FROM serving_counts")
        .map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).list());
    assertThat(rows).containsExactly(List.of(2L, 6L, 1L));
  }

  @Test
  void processSamplesGiveAvgAndMaxPerReplicaInEveryWindow() {
    ProcessSamples a = new ProcessSamples(db, "replica-a", now::get);
    ProcessSamples b = new ProcessSamples(db, "replica-b", now::get);
    now.set(10_000);
    a.record(new ProcessSamples.Sample(0.25, 100, 1000L));
    b.record(new ProcessSamples.Sample(null, 50, null));
    now.set(20_000);
    a.record(new ProcessSamples.Sample(0.75, 300, 3000L));
    predictions.insert(MonitorServiceContract.logged("p", 1, 10_000, 5, false));

    now.set(2 * HOUR);
    List<ProcessSamples.Figures> figures = service(null).windows("churn-prod", 0, HOUR, 60).get(0).process();
    assertThat(figures).extracting(ProcessSamples.Figures::replica).containsExactly("replica-a", "replica-b");
    ProcessSamples.Figures fa = figures.get(0);
    assertThat(fa.samples()).isEqualTo(2);
    assertThat(fa.cpuAvg()).isCloseTo(0.5, within(1e-9));
    assertThat(fa.cpuMax()).isCloseTo(0.75, within(1e-9));
    assertThat(fa.heapUsedAvg()).isCloseTo(200.0, within(1e-9));
    assertThat(fa.heapUsedMax()).isEqualTo(300);
    assertThat(fa.rssMax()).isEqualTo(3000);
    assertThat(figures.get(1).cpuAvg()).isNull();
    assertThat(figures.get(1).rssMax()).isNull();
    assertThat(figures.get(1).heapUsedMax()).isEqualTo(50);

    // a real sample of this process: heap always, RSS from /proc/self/status on Linux
    ProcessSamples.Sample real = ProcessSamples.sample();
    assertThat(real.heapUsed()).isPositive();
    if (java.nio.file.Files.isReadable(Path.of("/proc/self/status"))) {
      assertThat(real.rss()).isGreaterThan(real.heapUsed() / 4);
    }
    assertThat(ProcessSamples.rss(dir.resolve("missing"))).isNull();
  }

  @Test
  void windowsOfNPredictionsPerVersionWithTheirErrors() {
    ServingCounts counts = new ServingCounts(db, "r", now::get);
    predictions.insert(MonitorServiceContract.logged("a", 1, 0, 25, false)); // 0 s .. 24 s
    predictions.insert(MonitorServiceContract.logged("s", 2, 5_000, 10, true));
    now.set(12_500);
    counts.counter("churn-prod", "churn", 1).failed(); // inside the second window (10 s .. 19 s)
    counts.flush(true);
    now.set(HOUR);

    List<MonitorWindow> windows = service(counts).windowsOfPredictions("churn-prod", 0, HOUR, 10);
    assertThat(windows).extracting(w -> w.modelVersion() + "@" + w.fromMs() + "-" + w.toMs())
        .containsExactly("1@0-9001", "2@5000-14001", "1@10000-19001");
    assertThat(windows).allSatisfy(w -> assertThat(w.operations().requests()).isEqualTo(10));
    assertThat(windows.get(2).operations().errors()).isEqualTo(1);
    assertThat(windows.get(0).operations().errors()).isZero();
    assertThat(windows.get(2).psi()).isNotEmpty();

    assertThatThrownBy(() -> service(counts).windowsOfPredictions("churn-prod", 0, HOUR, 0))
        .isInstanceOf(CairnException.class).hasMessageContaining("window_predictions").hasMessageContaining("100000");
    assertThatThrownBy(() -> service(counts).windowsOfPredictions("churn-prod", 0, HOUR, 100_001))
        .isInstanceOf(CairnException.class).hasMessageContaining("window_predictions");
  }

  @Test
  void theSchedulerStoresClosedAlignedWindowsOfEveryDeploymentAndStopsCleanly() throws InterruptedException {
    predictions.insert(MonitorServiceContract.logged("a", 1, 0, 20, false));
    predictions.insert(MonitorServiceContract.logged("b", 1, HOUR + 1000, 20, false));
    predictions.insert(MonitorServiceContract.logged("c", 1, 2 * HOUR + 1000, 20, false)); // not closed yet
    now.set(2 * HOUR + MonitorService.GRACE_MS + 1);
    List<List<MonitorWindow>> seen = new CopyOnWriteArrayList<>();
    MonitorScheduler scheduler = new MonitorScheduler(service(null), () -> List.of("churn-prod", "idle"), 60, now::get,
        seen::add);
    scheduler.runOnce();
    List<Long> slots = db.read(h -> h.createQuery("SELECT from_ms FROM monitor_slots WHERE deployment = 'churn-prod'"
        + " ORDER BY from_ms").mapTo(Long.class).list());
    assertThat(slots).containsExactly(0L, HOUR);
    assertThat(count("SELECT COUNT(*) FROM monitor_slots WHERE deployment = 'idle'")).isEqualTo(2);
    assertThat(seen.get(0)).extracting(MonitorWindow::fromMs).containsExactly(0L, HOUR);

    // in the background on a short interval: the third hour is stored once it closed
    now.set(3 * HOUR + MonitorService.GRACE_MS);
    scheduler.start(5);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (count("SELECT COUNT(*) FROM monitor_slots WHERE deployment = 'churn-prod'") < 3
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(count("SELECT COUNT(*) FROM monitor_slots WHERE deployment = 'churn-prod'")).isEqualTo(3);
    scheduler.close();
    long runs = scheduler.runs();
    Thread.sleep(50);
    assertThat(scheduler.runs()).as("no run after close").isEqualTo(runs);
    assertThat(MonitorScheduler.closedRange(3 * HOUR + MonitorService.GRACE_MS - 1, 60))
        .containsExactly(0L, 2 * HOUR);
  }

  @Test
  void aFailingWindowDoesNotStopTheOthers() {
    predictions.insert(MonitorServiceContract.logged("a", 1, 0, 5, false));
    predictions.insert(MonitorServiceContract.logged("b", 2, HOUR, 5, false));
    now.set(2 * HOUR + MonitorService.GRACE_MS);
    MonitorService failing = new MonitorService(db, predictions, feedback, (model, version) -> {
      if (version == 1) {
        throw new IllegalStateException("bundle gone");
      }
      return manifest;
    }, DriftOptions.DEFAULT, now::get);
    List<List<MonitorWindow>> seen = new ArrayList<>();
    MonitorScheduler scheduler = new MonitorScheduler(failing, () -> List.of("churn-prod", "idle"), 60, now::get,
        seen::add);
    scheduler.runOnce();
    List<Long> stored = db.read(h -> h.createQuery("SELECT from_ms FROM monitor_slots WHERE deployment = 'churn-prod'")
        .mapTo(Long.class).list());
    assertThat(stored).as("the first hour's bundle is gone; the second hour is stored").containsExactly(HOUR);
    assertThat(count("SELECT COUNT(*) FROM monitor_slots WHERE deployment = 'idle'")).isEqualTo(2);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).extracting(MonitorWindow::modelVersion).containsExactly(2);
    assertThat(seen.get(1)).isEmpty();

    // the first hour fails on every run: after three in a row /health calls the scheduler degraded
    assertThat(scheduler.health().check().isDegraded()).isFalse();
    scheduler.runOnce();
    scheduler.runOnce();
    assertThat(scheduler.health().check().isDegraded()).isTrue();
    assertThat(scheduler.health().check().component()).isEqualTo("monitor-scheduler");
    assertThat(scheduler.health().check().detail()).startsWith("the last 3 rounds failed")
        .contains("deployment 'churn-prod', window from 0").contains("bundle gone");
  }

  @Test
  void theSchedulerPrunesCountsAndSamplesPastTheRetention() {
    long day = 24 * HOUR;
    ServingCounts counts = new ServingCounts(db, "r", now::get);
    ProcessSamples samples = new ProcessSamples(db, "r", now::get);
    for (long t : new long[] {HOUR, 3 * day, 4 * day}) {
      now.set(t);
      counts.counter("d", "m", 1).failed();
      counts.flush(true);
      samples.record(new ProcessSamples.Sample(0.5, 10, 20L));
    }
    now.set(4 * day + HOUR);
    MonitorScheduler scheduler = new MonitorScheduler(service(counts), List::of, 60, now::get, w -> {});
    assertThatThrownBy(() -> scheduler.retain(HOUR)).isInstanceOf(CairnException.class)
        .hasMessageContaining("retention");
    scheduler.retain(2 * day).runOnce();
    List<Long> seconds = db.read(h -> h.createQuery("SELECT second_ms FROM serving_counts ORDER BY second_ms")
        .mapTo(Long.class).list());
    assertThat(seconds).containsExactly(3 * day, 4 * day);
    assertThat(count("SELECT COUNT(*) FROM process_samples")).isEqualTo(2);
  }
}
