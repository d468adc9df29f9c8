package dev.cairn.serving.log;

import dev.cairn.core.CairnException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction log: a {@link PredictionSink} that keeps a sample of the scored requests in the store without ever
 * making serving wait. {@link #record} decides sampling from the fresh prediction id (so the same id always gets the
 * same answer), then offers the record to a bounded queue and returns; a full queue drops the record and counts it.
 * One background thread drains the queue in batches, strips personal fields, and writes; a failing write is logged
 * and counted and the writer goes on with the next batch, so a broken store costs log rows, never serving time.
 */
public final class PredictionLog implements PredictionSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionLog.class);

  /** Where batches go; {@link PredictionStore#insert} in production. */
  @FunctionalInterface
  public interface BatchWriter {
    void write(List<StoredPrediction> batch);
  }

  /**
   * How the log behaves.
   *
   * @param capacity records the queue holds before it drops
   * @param batchSize most records one write takes
   * @param sampleRate share of predictions kept, 0 to 1
   * @param personalFields the personal fields of each deployment, by deployment name, and how they are handled;
   *     the fields a record's bundle marks personal ({@link PredictionRecord#personal}) are handled the same way
   *     (dropped when this gives no mode)
   */
  public record Settings(int capacity, int batchSize, double sampleRate,
      Function<String, PersonalFields> personalFields) {
    public Settings {
      if (capacity < 1 || capacity > 10_000_000) {
        throw CairnException.invalid("prediction log capacity is " + capacity + "; it must be 1 to 10000000");
      }
      if (batchSize < 1 || batchSize > 10_000) {
        throw CairnException.invalid("prediction log batch size is " + batchSize + "; it must be 1 to 10000");
      }
      if (!(sampleRate >= 0 && sampleRate <= 1)) {
        throw CairnException.invalid("prediction log sample rate is " + sampleRate + "; it must be 0 to 1");
      }
      if (personalFields == null) {
        personalFields = d -> PersonalFields.NONE;
      }
    }

    /** Keeps everything, 10000 queued at most, 500 a write, no personal fields. */
    public static Settings defaults() {
      return new Settings(10_000, 500, 1.0, null);
    }

    public Settings withSampleRate(double rate) {
      return new Settings(capacity, batchSize, rate, personalFields);
    }

    public Settings withCapacity(int queued, int batch) {
      return new Settings(queued, batch, sampleRate, personalFields);
    }

    /** The same personal fields for every deployment. */
    public Settings withPersonalFields(PersonalFields fields) {
      return new Settings(capacity, batchSize, sampleRate, d -> fields);
    }

    public Settings withPersonalFields(Function<String, PersonalFields> byDeployment) {
      return new Settings(capacity, batchSize, sampleRate, byDeployment);
    }
  }

  /** A snapshot of the log's counts since it started. */
  public record Counters(long accepted, long written, long droppedFull, long droppedSampling, long writeFailures) {
    /** The counts under their wire names ({@code accepted}, {@code dropped_full}, ...), for metrics and JSON. */
    public java.util.Map<String, Long> asMap() {
      java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
      m.put("accepted", accepted);
      m.put("written", written);
      m.put("dropped_full", droppedFull);
      m.put("dropped_sampling", droppedSampling);
      m.put("write_failures", writeFailures);
      return m;
    }
  }

  private record Pending(String id, PredictionRecord record) {}

  private final BatchWriter writer;
  private final Settings settings;
  private final BlockingQueue<Pending> queue;
  private final Thread thread;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong droppedFull = new AtomicLong();
  private final AtomicLong droppedSampling = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();
  private volatile boolean closing;

  public PredictionLog(BatchWriter writer, Settings settings) {
    this.writer = writer;
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.capacity());
    this.thread = new Thread(this::drain, "prediction-log-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** A log writing into {@code store}. */
  public PredictionLog(PredictionStore store, Settings settings) {
    this(store::insert, settings);
  }

  /** Whether the prediction with {@code id} is in a {@code rate} sample: a fixed function of the id. */
  public static boolean sampled(String id, double rate) {
    if (rate >= 1) {
      return true;
    }
    if (rate <= 0) {
      return false;
    }
    // a random UUID's low 62 bits are random (the top two are its variant, always 10: shifted out); another id's
    // hash is spread instead (the same id always lands alike)
    long bits;
    try {
      bits = UUID.fromString(id).getLeastSignificantBits() << 2;
    } catch (IllegalArgumentException notUuid) {
      bits = id.hashCode() * 0x9E3779B97F4A7C15L;
    }
    return (bits >>> 11) * 0x1.0p-53 < rate;
  }

  @Override
  public String record(PredictionRecord record) {
    String id = newId();
    if (!sampled(id, settings.sampleRate())) {
      droppedSampling.incrementAndGet();
    } else if (closing || !queue.offer(new Pending(id, record))) {
      droppedFull.incrementAndGet();
    } else {
      accepted.incrementAndGet();
    }
    return id;
  }

  /**
   * A time-ordered (version 7) UUID: the epoch milliseconds first, then 74 random bits from the thread's own generator.
   * Ids that grow with time go in at the end of the predictions table's primary-key index, where random ones
   * dirtied a different page per row: on SQLite the writer spends about a quarter of the CPU a row that it did with
   * random ids (docs/benchmarks.md, Serving). The low 62 bits stay random, which {@link #sampled} reads. UUID.randomUUID's SecureRandom would cost serving a few
   * microseconds a call, and an id needs to be unique, not secret (feedback on it needs an editor).
   */
  static String newId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
    long low = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }

  public Counters counters() {
    return new Counters(accepted.get(), written.get(), droppedFull.get(), droppedSampling.get(), writeFailures.get());
  }

  /** Records queued and not yet taken by the writer. */
  public int queued() {
    return queue.size();
  }

  /**
   * Stops taking records and waits up to {@code timeout} for the writer to write what is queued; true when it did
   * (false: the rest is lost and the writer is interrupted).
   */
  public boolean close(Duration timeout) {
    closing = true;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      LOG.warn("prediction log: {} records not written when closing after {}", queue.size(), timeout);
      return false;
    }
    return true;
  }

  /** Closes, waiting up to 10 seconds for the queue to be written. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  private void drain() {
    List<Pending> batch = new ArrayList<>(settings.batchSize());
    while (true) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, settings.batchSize() - 1);
        writeBatch(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    try {
      List<StoredPrediction> rows = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        // personal fields go here, off the serving thread, before anything reaches the store
        PersonalFields personal = settings.personalFields().apply(p.record().deployment());
        personal = (personal == null ? PersonalFields.NONE : personal).including(p.record().personal());
        rows.add(StoredPrediction.of(p.id(), p.record(), personal.apply(p.record().inputs())));
      }
      writer.write(rows);
      written.addAndGet(rows.size());
    } catch (RuntimeException e) {
      writeFailures.addAndGet(batch.size());
      LOG.warn("prediction log: cannot write {} predictions; they are lost and the log goes on", batch.size(), e);
    }
  }
}
