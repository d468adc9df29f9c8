package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BatchingLoggerTest {
  record Batch(List<Metric> metrics, List<Param> params, List<Tag> tags) {}

  /** Records every batch in arrival order. */
  static final class Recorder implements BatchingLogger.Sink {
    final List<Batch> batches = new CopyOnWriteArrayList<>();

    @Override
    public void send(List<Metric> metrics, List<Param> params, List<Tag> tags) {
      batches.add(new Batch(List.copyOf(metrics), List.copyOf(params), List.copyOf(tags)));
    }

    List<Metric> metrics() {
      return batches.stream().flatMap(b -> b.metrics().stream()).toList();
    }

    List<Param> params() {
      return batches.stream().flatMap(b -> b.params().stream()).toList();
    }
  }

  /** A server that accepted the connection and does not answer until released; then it stores the batch. */
  static final class Stuck implements BatchingLogger.Sink {
    final CountDownLatch senderStuck = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final Recorder recorder = new Recorder();

    @Override
    public void send(List<Metric> metrics, List<Param> params, List<Tag> tags) {
      senderStuck.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      recorder.send(metrics, params, tags);
    }
  }

  @Test
  void fullQueueBlocksTheCallerInsteadOfGrowing() throws Exception {
    Stuck sink = new Stuck();
    Recorder recorder = sink.recorder;
    CountDownLatch release = sink.release;
    BatchingLogger logger = new BatchingLogger("test-logger", 10, sink);
    logger.logMetric(new Metric("m", 0, 0, 0));
    sink.senderStuck.await(); // the sender holds point 0 and waits: the queue can only fill up

    Thread producer = new Thread(() -> {
      for (int i = 1; i <= 25; i++) {
        logger.logMetric(new Metric("m", i, 0, i));
      }
    }, "producer");
    producer.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (producer.getState() != Thread.State.TIMED_WAITING) { // waiting for room, at most maxWait
      assertThat(System.nanoTime()).as("producer waits for room").isLessThan(deadline);
      Thread.onSpinWait();
    }

    assertThat(logger.queued()).isEqualTo(10);
    assertThat(logger.capacity()).isEqualTo(10);
    release.countDown();
    producer.join();
    logger.close();
    assertThat(recorder.metrics()).extracting(Metric::step)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, 25).boxed().toList());
  }

  @Test
  void batchesStayWithinMlflowLimits() {
    Recorder recorder = new Recorder();
    try (BatchingLogger logger = new BatchingLogger("test-logger", 100_000, recorder)) {
      for (int i = 0; i < 250; i++) {
        logger.logParam(new Param("p" + i, "v"));
        logger.setTag(new Tag("t" + i, "v"));
      }
      for (int i = 0; i < 2500; i++) {
        logger.logMetric(new Metric("m", i, 0, i));
      }
    }
    for (Batch b : recorder.batches) {
      assertThat(b.metrics()).hasSizeLessThanOrEqualTo(1000);
      assertThat(b.params()).hasSizeLessThanOrEqualTo(100);
      assertThat(b.tags()).hasSizeLessThanOrEqualTo(100);
      assertThat(b.metrics().size() + b.params().size() + b.tags().size()).isLessThanOrEqualTo(1000);
    }
    assertThat(recorder.metrics()).hasSize(2500);
    assertThat(recorder.batches.stream().mapToInt(b -> b.params().size()).sum()).isEqualTo(250);
    assertThat(recorder.batches.stream().mapToInt(b -> b.tags().size()).sum()).isEqualTo(250);
  }

  @Test
  void repeatedTagKeepsTheLastValue() {
    Recorder recorder = new Recorder();
    try (BatchingLogger logger = new BatchingLogger("test-logger", 100, recorder)) {
      logger.setTag(new Tag("stage", "a"));
      logger.setTag(new Tag("stage", "b"));
      logger.setTag(new Tag("stage", "c"));
    }
    List<Tag> sent = recorder.batches.stream().flatMap(b -> b.tags().stream()).toList();
    assertThat(sent.get(sent.size() - 1)).isEqualTo(new Tag("stage", "c"));
  }

  @Test
  void flushReturnsOnlyAfterEverythingLoggedBeforeIsSent() {
    Recorder recorder = new Recorder();
    try (BatchingLogger logger = new BatchingLogger("test-logger", 1000, recorder)) {
      for (int i = 0; i < 500; i++) {
        logger.logMetric(new Metric("m", i, 0, i));
      }
      logger.flush();
      assertThat(recorder.metrics()).hasSize(500);
      assertThat(logger.sent()).isEqualTo(500);
    }
  }

  @Test
  void aFailureOtherThanABadItemSurfacesOnCloseAndOnTheNextLogCall() {
    BatchingLogger logger = new BatchingLogger("test-logger", 100, (m, p, t) -> {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "metadata store write failed: disk full");
    });
    logger.logMetric(new Metric("a", 1, 0, 0));
    assertThatThrownBy(logger::flush).isInstanceOf(CairnException.class).hasMessageContaining("disk full");
    assertThatThrownBy(() -> logger.logMetric(new Metric("ok", 1, 0, 0))).hasMessageContaining("disk full");
    assertThatThrownBy(logger::close)
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
  }

  @Test
  void aBatchRefusedAsInvalidIsSplitUntilTheBadItemsStandAloneAndTheRestIsStored() {
    Recorder stored = new Recorder();
    BatchingLogger logger = new BatchingLogger("test-logger", 1000, (m, p, t) -> {
      boolean bad = m.stream().anyMatch(x -> x.key().contains("@")) || p.stream().anyMatch(x -> x.key().equals("dup"));
      if (bad) {
        throw new CairnException(ErrorCode.INVALID_PARAMETER_VALUE, "refused");
      }
      stored.send(m, p, t);
    });
    for (int i = 0; i < 300; i++) {
      logger.logMetric(new Metric(i == 17 || i == 250 ? "a@b" : "m", i, 0, i));
    }
    logger.logParam(new Param("dup", "1"));
    logger.logParam(new Param("lr", "0.1"));
    logger.flush();
    logger.close(); // no exception: nothing but the bad items was lost
    assertThat(stored.metrics()).hasSize(298).noneMatch(x -> x.key().contains("@"));
    assertThat(stored.params()).extracting(Param::key).containsExactly("lr");
    assertThat(logger.rejected()).hasSize(3).allMatch(r -> r.contains("refused"));
    assertThat(logger.rejected()).filteredOn(r -> r.contains("a@b")).hasSize(2);
  }

  @Test
  void loggingAfterCloseIsAnInvalidState() {
    BatchingLogger logger = new BatchingLogger("test-logger", 10, new Recorder());
    logger.close();
    assertThatThrownBy(() -> logger.logParam(new Param("k", "v")))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE));
  }

  /** A sink whose server is down (connection refused) until {@code up} is set; stores batches once it is. */
  static final class Flaky implements BatchingLogger.Sink {
    volatile boolean up;
    final Recorder stored = new Recorder();

    @Override
    public void send(List<Metric> metrics, List<Param> params, List<Tag> tags) {
      if (!up) {
        throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "connection refused", new java.net.ConnectException());
      }
      stored.send(metrics, params, tags);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void duringAnOutageAFullQueueDropsNewEntriesAtTheCallAndCountsEveryOne() {
    Flaky sink = new Flaky();
    // maxWait of an hour: a call that waited for room during the outage would hang this test
    BatchingLogger logger = new BatchingLogger("test-logger", 50, 3_600_000, 5, sink);
    logger.logMetric(new Metric("m", 0, 0, 0));
    awaitTrue(logger::isDegraded, "the sender notices the outage");
    for (int i = 1; i <= 1000; i++) {
      logger.logMetric(new Metric("m", i, 0, i));
    }
    logger.logParam(new Param("lr", "0.1"));
    logger.setTag(new Tag("team", "ml"));
    DroppedCounts during = logger.dropped();
    assertThat(during.metrics()).isGreaterThanOrEqualTo(1000 - 50);
    sink.up = true;
    logger.close();

    assertThat(logger.isDegraded()).isFalse();
    List<Long> steps = sink.stored.metrics().stream().map(Metric::step).toList();
    assertThat(steps).isSorted().doesNotHaveDuplicates().startsWith(0L);
    DroppedCounts dropped = logger.dropped();
    assertThat(dropped).isEqualTo(during);
    assertThat(steps.size() + dropped.metrics()).isEqualTo(1001);
    assertThat(sink.stored.params().size() + dropped.params()).isEqualTo(1);
    assertThat(sink.stored.batches.stream().mapToLong(b -> b.tags().size()).sum() + dropped.tags()).isEqualTo(1);
  }

  @Test
  void entriesQueuedDuringAnOutageAreSentWhenTheServerIsBack() {
    Flaky sink = new Flaky();
    BatchingLogger logger = new BatchingLogger("test-logger", 1000, 3_600_000, 5, sink);
    for (int i = 0; i < 300; i++) {
      logger.logMetric(new Metric("m", i, 0, i));
    }
    awaitTrue(logger::isDegraded, "the sender notices the outage");
    sink.up = true;
    logger.flush();
    assertThat(sink.stored.metrics()).extracting(Metric::step)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 300).boxed().toList());
    assertThat(logger.dropped()).isEqualTo(DroppedCounts.NONE);
    logger.close();
  }

  @Test
  void flushDuringAnOutageGivesUpAfterMaxWaitAndKeepsTheEntriesQueued() {
    Flaky sink = new Flaky();
    BatchingLogger logger = new BatchingLogger("test-logger", 100, 100, 5, sink);
    for (int i = 0; i < 5; i++) {
      logger.logMetric(new Metric("m", i, 0, i));
    }
    assertThatThrownBy(logger::flush).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
        .hasMessageContaining("unreachable");
    sink.up = true;
    logger.flush();
    assertThat(sink.stored.metrics()).hasSize(5);
    assertThat(logger.dropped()).isEqualTo(DroppedCounts.NONE);
    logger.close();
  }

  @Test
  void closeDuringAnOutageStopsWaitingDropsWhatIsLeftAndCountsIt() {
    BatchingLogger logger = new BatchingLogger("test-logger", 100, 3_600_000, 5, new Flaky());
    for (int i = 0; i < 10; i++) {
      logger.logMetric(new Metric("m", i, 0, i));
    }
    logger.logParam(new Param("a", "1"));
    logger.logParam(new Param("b", "2"));
    logger.setTag(new Tag("t", "v"));
    logger.close(50); // no exception: an outage is not the caller's error
    assertThat(logger.dropped()).isEqualTo(new DroppedCounts(10, 2, 1));
  }

  @Test
  void aFullQueueWaitThatRunsOutDropsAndLaterCallsDoNotWaitUntilABatchGoesThrough() throws Exception {
    Stuck sink = new Stuck();
    BatchingLogger logger = new BatchingLogger("test-logger", 5, 50, 5, sink);
    logger.logMetric(new Metric("m", 0, 0, 0));
    sink.senderStuck.await();
    for (int i = 1; i <= 7; i++) {
      logger.logMetric(new Metric("m", i, 0, i)); // 1-5 fill the queue, 6 waits 50 ms and is dropped, 7 is dropped
    }
    assertThat(logger.isDegraded()).isTrue();
    assertThat(logger.dropped().metrics()).isEqualTo(2);
    sink.release.countDown();
    logger.close();
    assertThat(sink.recorder.metrics()).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(logger.isDegraded()).isFalse();
  }

  @Property(tries = 40)
  void throughAnyPatternOfOutagesEveryEntryIsSentOnceInOrderOrCountedAsDropped(
      @ForAll @IntRange(min = 1, max = 200) int capacity, @ForAll @IntRange(max = 3000) int metrics,
      @ForAll @IntRange(max = 150) int params, @ForAll @IntRange(max = 90) int failurePercent,
      @ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    Recorder recorder = new Recorder();
    BatchingLogger logger = new BatchingLogger("prop-logger", capacity, 3_600_000, 1, (m, p, t) -> {
      if (random.nextInt(100) < failurePercent) {
        throw new CairnException(random.nextBoolean() ? ErrorCode.TEMPORARILY_UNAVAILABLE : ErrorCode.TOO_MANY_REQUESTS,
            "down");
      }
      recorder.send(m, p, t);
    });
    int p = 0;
    for (int i = 0; i < metrics; i++) {
      logger.logMetric(new Metric("m", i, 0, i));
      if (p < params && i % 13 == 0) {
        logger.logParam(new Param("p" + p++, "v"));
      }
    }
    for (; p < params; p++) {
      logger.logParam(new Param("p" + p, "v"));
    }
    logger.close();

    List<Long> steps = recorder.metrics().stream().map(Metric::step).toList();
    assertThat(steps).isSorted().doesNotHaveDuplicates();
    assertThat(steps.size() + logger.dropped().metrics()).isEqualTo(metrics);
    assertThat(recorder.params()).extracting(Param::key).doesNotHaveDuplicates();
    assertThat(recorder.params().size() + logger.dropped().params()).isEqualTo(params);
    assertThat(logger.dropped().tags()).isZero();
  }

  @Property(tries = 30)
  void everyEntryArrivesOnceAndInOrder(
      @ForAll @IntRange(min = 1, max = 50) int capacity, @ForAll @IntRange(max = 3000) int metrics,
      @ForAll @IntRange(max = 300) int params) {
    Recorder recorder = new Recorder();
    try (BatchingLogger logger = new BatchingLogger("prop-logger", capacity, recorder)) {
      int p = 0;
      for (int i = 0; i < metrics; i++) {
        logger.logMetric(new Metric("m", i, 0, i));
        if (p < params && i % 7 == 0) {
          logger.logParam(new Param("p" + p, "v"));
          p++;
        }
      }
      for (; p < params; p++) {
        logger.logParam(new Param("p" + p, "v"));
      }
    }
    List<Long> steps = new ArrayList<>();
    recorder.metrics().forEach(m -> steps.add(m.step()));
    assertThat(steps).containsExactlyElementsOf(java.util.stream.LongStream.range(0, metrics).boxed().toList());
    assertThat(recorder.batches.stream().mapToInt(b -> b.params().size()).sum()).isEqualTo(params);
  }
}
