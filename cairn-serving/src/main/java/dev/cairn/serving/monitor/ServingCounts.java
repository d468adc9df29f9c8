package dev.cairn.serving.monitor;

import dev.cairn.core.CairnException;
import dev.cairn.store.sql.SqlDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every inference request counted, answered or failed, per deployment and model version and second (V74
 * {@code serving_counts}). Serving only increments in-memory adders of the current second ({@link Counter}); a
 * background flush writes the finished seconds in one batch, so no request waits for the database. Each replica
 * writes its own rows, adding to them if a second is flushed twice (a late increment).
 */
public final class ServingCounts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingCounts.class);
  /** Counts are kept per second: a window's edges are exact to a second. */
  public static final long BUCKET_MS = 1000;
  /** Failures before a model version was chosen are counted under this model name (and version 0). */
  public static final String NO_VERSION = "";

  private record Key(String deployment, String model, int version) {}

  /** One second of one counter. */
  private static final class Bucket {
    final long startMs;
    final LongAdder requests = new LongAdder();
    final LongAdder predictions = new LongAdder();
    final LongAdder errors = new LongAdder();

    Bucket(long startMs) {
      this.startMs = startMs;
    }
  }

  private record Finished(Key key, Bucket bucket) {}

  /** The counts of one deployment and model version; take it once and keep it (its methods are the hot path). */
  public final class Counter {
    private final Key key;
    private final AtomicReference<Bucket> current;

    private Counter(Key key) {
      this.key = key;
      this.current = new AtomicReference<>(new Bucket(bucketOf(clock.getAsLong())));
    }

    /** One answered request of {@code rows} rows. */
    public void answered(int rows) {
      Bucket b = bucket(clock.getAsLong());
      b.requests.increment();
      b.predictions.add(rows);
    }

    /** One failed request (refused input or a server error). */
    public void failed() {
      bucket(clock.getAsLong()).errors.increment();
    }

    private Bucket bucket(long nowMs) {
      long start = bucketOf(nowMs);
      Bucket b = current.get();
      if (b.startMs == start) {
        return b;
      }
      Bucket next = new Bucket(start);
      if (current.compareAndSet(b, next)) {
        finished.add(new Finished(key, b)); // only the winner hands the old second over
        return next;
      }
      return current.get();
    }
  }

  /** Summed counts (all replicas) of one model version in one window. */
  public record Totals(String modelName, int modelVersion, long windowStart, long requests, long predictions,
      long errors) {}

  private final SqlDatabase db;
  private final String replica;
  private final LongSupplier clock;
  private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
  private final AtomicLong flushFailures = new AtomicLong();
  private ScheduledExecutorService flusher;

  /**
   * @param replica this server process's name in the rows it writes
   * @param clock now in epoch milliseconds
   */
  public ServingCounts(SqlDatabase db, String replica, LongSupplier clock) {
    if (replica == null || replica.isBlank() || replica.length() > 128) {
      throw CairnException.invalid("replica id '" + replica + "' must be 1 to 128 characters");
    }
    this.db = db;
    this.replica = replica;
    this.clock = clock;
  }

  private static long bucketOf(long ms) {
    return Math.floorDiv(ms, BUCKET_MS) * BUCKET_MS;
  }

  /** The counter of a deployment's model version ({@link #NO_VERSION} and 0 for failures before a version). */
  public Counter counter(String deployment, String modelName, int version) {
    return counters.computeIfAbsent(new Key(deployment, modelName, version), Counter::new);
  }

  /** Writes every second that ended at least a second ago; {@code all} writes the current ones too (closing). */
  public synchronized void flush(boolean all) {
    long now = clock.getAsLong();
    for (Counter c : counters.values()) {
      if (all) {
        Bucket b = c.current.getAndSet(new Bucket(bucketOf(now) + BUCKET_MS));
        finished.add(new Finished(c.key, b));
      } else {
        c.bucket(now); // an idle counter's last second is handed over too
      }
    }
    // stragglers: a request that read the clock just before its second was handed over still adds to it
    long ripeBefore = bucketOf(now) - BUCKET_MS;
    Map<List<Object>, long[]> rows = new HashMap<>();
    List<Finished> kept = new ArrayList<>();
    Finished f;
    while ((f = finished.poll()) != null) {
      if (!all && f.bucket().startMs >= ripeBefore) {
        kept.add(f);
        continue;
      }
      long requests = f.bucket().requests.sum();
      long predictions = f.bucket().predictions.sum();
      long errors = f.bucket().errors.sum();
      if (requests + errors == 0) {
        continue;
      }
      long[] sum = rows.computeIfAbsent(List.of(f.key().deployment(), f.key().model(), f.key().version(),
          f.bucket().startMs), k -> new long[3]);
      sum[0] += requests;
      sum[1] += predictions;
      sum[2] += errors;
    }
    finished.addAll(kept);
    if (rows.isEmpty()) {
      return;
    }
    try {
      db.write(h -> {
        PreparedBatch batch = h.prepareBatch("INSERT INTO serving_counts (deployment, model_name, model_version,"
            + " second_ms, replica, requests, predictions, errors) VALUES (:d, :m, :v, :s, :r, :req, :pred, :err)"
            + " ON CONFLICT (deployment, model_name, model_version, second_ms, replica) DO UPDATE SET"
            + " requests = serving_counts.requests + excluded.requests,"
            + " predictions = serving_counts.predictions + excluded.predictions,"
            + " errors = serving_counts.errors + excluded.errors");
        rows.forEach((k, v) -> batch.bind("d", k.get(0)).bind("m", k.get(1)).bind("v", k.get(2)).bind("s", k.get(3))
            .bind("r", replica).bind("req", v[0]).bind("pred", v[1]).bind("err", v[2]).add());
        batch.execute();
        return null;
      });
    } catch (RuntimeException e) {
      flushFailures.incrementAndGet();
      LOG.warn("serving counts: cannot write {} rows; they are lost and counting goes on", rows.size(), e);
    }
  }

  /** Flushes failed so far (their counts are lost). */
  public long flushFailures() {
    return flushFailures.get();
  }

  /** Flushes every {@code millis} milliseconds in the background until {@link #close}. */
  public synchronized void start(long millis) {
    if (flusher != null) {
      return;
    }
    flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-serving-counts");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(() -> flush(false), millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * The summed counts (every replica) of a deployment in {@code [fromMs, toMs)}, per model version and window of
   * {@code widthMs} from {@code fromMs}; a second belongs to the window its start falls in.
   */
  public List<Totals> totals(String deployment, long fromMs, long toMs, long widthMs) {
    // the slot is computed in a subquery: PostgreSQL does not take two bound parameters as one GROUP BY expression
    return db.read(h -> h.createQuery("SELECT model_name, model_version, slot, SUM(requests) AS requests,"
            + " SUM(predictions) AS predictions, SUM(errors) AS errors FROM (SELECT model_name, model_version,"
            + " (second_ms - :from) / :width AS slot, requests, predictions, errors FROM serving_counts"
            + " WHERE deployment = :d AND second_ms >= :from AND second_ms < :to) c"
            + " GROUP BY model_name, model_version, slot")
        .bind("d", deployment).bind("from", fromMs).bind("to", toMs).bind("width", widthMs)
        .map((rs, ctx) -> new Totals(rs.getString("model_name"), rs.getInt("model_version"),
            fromMs + rs.getLong("slot") * widthMs, rs.getLong("requests"), rs.getLong("predictions"),
            rs.getLong("errors")))
        .list());
  }

  /** Stops the background flush and writes everything counted. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      running = flusher;
      flusher = null;
    }
    if (running != null) {
      running.shutdown(); // a flush under way finishes; no new one starts
      try {
        running.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush(true);
  }
}
