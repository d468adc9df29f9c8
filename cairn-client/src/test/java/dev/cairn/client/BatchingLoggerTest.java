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
import org.junit.jupiter.api.Timeout;

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

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // it spin-waits and awaits latches
  void fullQueueBlocksTheCallerInsteadOfGrowing() throws Exception {
    CountDownLatch senderStuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder = new Recorder();
    BatchingLogger logger = new BatchingLogger("test-logger", 10, (m, p, t) -> {
      senderStuck.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      recorder.send(m, p, t);
    });
    logger.logMetric(new Metric("m", 0, 0, 0));
    senderStuck.await(); // the sender holds point 0 and waits: the queue can only fill up

    Thread producer = new Thread(() -> {
      for (int i = 1; i <= 25; i++) {
        logger.logMetric(new Metric("m", i, 0, i));
      }
    }, "producer");
    producer.start();
    while (producer.getState() != Thread.State.WAITING) {
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
