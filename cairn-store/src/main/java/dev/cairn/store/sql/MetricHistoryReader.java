package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.Metric;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jdbi.v3.core.HandleCallback;

/**
 * Reads one metric series in chunks of bounded size, each on a pooled connection held only for the chunk's query,
 * and reads the next chunk ahead on a small pool while the caller hands the current one on (get-history writing
 * JSON): reading and writing a long series overlap on two cores, and memory stays at two chunks however long the
 * series. When the read-ahead pool is busy, the caller reads the chunk itself.
 */
final class MetricHistoryReader implements AutoCloseable {
  /** Points per read: what one request holds in memory, twice over with the chunk read ahead. */
  static final int CHUNK = 10_000;
  static final int READ_AHEAD_THREADS = 2;

  /** The store's reads: a pooled connection, errors translated. */
  interface Reads {
    <T> T read(HandleCallback<T, RuntimeException> callback);
  }

  private final Reads reads;
  private final ThreadPoolExecutor readAhead;

  MetricHistoryReader(Reads reads) {
    this.reads = reads;
    AtomicInteger count = new AtomicInteger();
    this.readAhead = new ThreadPoolExecutor(READ_AHEAD_THREADS, READ_AHEAD_THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(2 * READ_AHEAD_THREADS), r -> {
          Thread t = new Thread(r, "cairn-history-read-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (task, pool) -> {
          if (pool.isShutdown()) {
            throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "metadata store is closed");
          }
          task.run(); // every read-ahead thread is busy: the caller reads the chunk itself
        });
    readAhead.allowCoreThreadTimeOut(true);
  }

  /**
   * Hands {@code visitor} the points of series {@code seriesId} (named {@code key}) in (step, timestamp, is_nan,
   * value) order, skipping {@code offset}, at most {@code limit}; returns the offset to continue from, or -1 at the
   * end of the series. Chunks after the first continue from the last point read (keyset on the primary key),
   * so they cost an index seek, not a re-scan of what came before.
   */
  long visit(long seriesId, String key, long offset, long limit, Consumer<Metric> visitor) {
    long seen = 0;
    Future<List<Metric>> ahead = null;
    try {
      int want = (int) Math.min(CHUNK, limit);
      List<Metric> chunk = firstChunk(seriesId, key, offset, want);
      while (true) {
        boolean more = chunk.size() > want;
        int n = Math.min(chunk.size(), want);
        int nextWant = (int) Math.min(CHUNK, limit - seen - n);
        if (more && nextWant > 0) {
          Metric after = chunk.get(n - 1);
          int w = nextWant;
          ahead = readAhead.submit(() -> chunkAfter(seriesId, key, after, w));
        }
        for (int i = 0; i < n; i++) {
          visitor.accept(chunk.get(i));
        }
        seen += n;
        if (!more) {
          return -1;
        }
        if (seen >= limit) {
          return offset + seen;
        }
        chunk = outcome(ahead);
        ahead = null;
        want = nextWant;
      }
    } finally {
      if (ahead != null) {
        ahead.cancel(false); // the visitor failed (a client went away): the chunk read ahead is not needed
      }
    }
  }

  private List<Metric> firstChunk(long seriesId, String key, long offset, int want) {
    return reads.read(h -> h.createQuery("""
        SELECT value, is_nan, timestamp, step FROM metric_points
        WHERE series_id = :seriesId
        ORDER BY step, timestamp, is_nan, value
        LIMIT :limit OFFSET :offset""")
        .bind("seriesId", seriesId).bind("limit", want + 1).bind("offset", offset)
        .map((rs, ctx) -> point(key, rs)).list());
  }

  private List<Metric> chunkAfter(long seriesId, String key, Metric after, int want) {
    return reads.read(h -> h.createQuery("""
        SELECT value, is_nan, timestamp, step FROM metric_points
        WHERE series_id = :seriesId
          AND (step, timestamp, is_nan, value) > (:step, :timestamp, :isNan, :value)
        ORDER BY step, timestamp, is_nan, value
        LIMIT :limit""")
        .bind("seriesId", seriesId).bind("limit", want + 1)
        .bind("step", after.step()).bind("timestamp", after.timestamp())
        .bind("isNan", Double.isNaN(after.value()) ? 1 : 0).bind("value", SqlMetadataStore.storedValue(after.value()))
        .map((rs, ctx) -> point(key, rs)).list());
  }

  /** A point of {@code key}'s series from columns value, is_nan, timestamp, step (the key is not read back). */
  private static Metric point(String key, ResultSet rs) throws SQLException {
    double value = rs.getInt(2) != 0 ? Double.NaN : rs.getDouble(1);
    return new Metric(key, value, rs.getLong(3), rs.getLong(4));
  }

  private static List<Metric> outcome(Future<List<Metric>> read) {
    try {
      return read.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while reading a metric history", e);
    } catch (CancellationException e) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "metadata store is closing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "reading a metric history failed", cause);
    }
  }

  /** Lets reads already queued run (they fail once the pool is closed, so no caller waits forever); no new ones. */
  @Override
  public void close() {
    readAhead.shutdown();
  }
}
