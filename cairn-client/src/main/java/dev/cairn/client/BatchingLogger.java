package dev.cairn.client;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends a run's metrics, params and tags in log-batch calls from one named daemon thread, so a training
 * loop neither waits for the network per point nor stops when the tracking server does.
 *
 * <p>Queue policy: at most {@code capacity} entries wait to be sent. When the queue is full while the server
 * accepts batches, a log call waits for room (back-pressure, the loop slows to the server's pace), but never
 * longer than {@code maxWait}. When the server cannot be reached (connection refused or reset, timeout, 429,
 * 502-504), the sender keeps its batch and retries it with backoff (0.5 s doubling to 4 s) for as long as the
 * outage lasts, the queue keeps filling, and once it is full each new entry is dropped at the call and
 * counted in {@link #dropped()}, without waiting. The first batch that goes through ends the outage. Each
 * outage is logged once when it starts, once when the first entry is dropped, and once when it ends.
 *
 * <p>{@link #flush()} waits at most {@code maxWait} for an unreachable server, then throws and keeps the
 * entries queued; {@link #close(long)} waits at most its argument, then drops what is left, counted.
 * A batch the server refuses as invalid is split until the bad items stand alone: the rest is stored, the
 * bad ones are listed in {@link #rejected()}. Any other failure (a 500, a deleted run) is kept; later log
 * calls and {@link #close()} rethrow it, and entries queued after it are discarded rather than sent out of
 * order.
 */
final class BatchingLogger implements AutoCloseable {
  static final int MAX_METRICS = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;
  static final int MAX_ENTITIES = 1000;
  static final long DEFAULT_MAX_WAIT_MILLIS = 30_000;
  /** Doubles up to eight times this: 0.5, 1, 2, 4, 4... s. */
  static final long FIRST_BACKOFF_MILLIS = 500;

  private static final System.Logger LOG = System.getLogger(BatchingLogger.class.getName());

  /** Where batches go: the log-batch endpoint in production. */
  interface Sink {
    void send(List<Metric> metrics, List<Param> params, List<Tag> tags);
  }

  private sealed interface Entry permits MetricEntry, ParamEntry, TagEntry, Marker {}

  private record MetricEntry(Metric metric) implements Entry {}

  private record ParamEntry(Param param) implements Entry {}

  private record TagEntry(Tag tag) implements Entry {}

  /** A flush or stop request; the worker counts it off once everything queued before it is sent. */
  private static final class Marker implements Entry {
    final boolean stop;
    boolean done;

    Marker(boolean stop) {
      this.stop = stop;
    }
  }

  private final String name;
  private final int capacity;
  private final long maxWaitMillis;
  private final long firstBackoffMillis;
  /** Unbounded itself: data entries hold a permit of {@link #room}, so markers never wait behind a full queue. */
  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final Semaphore room;
  private final Sink sink;
  private final Thread worker;
  private volatile RuntimeException failure;
  private volatile boolean closed;
  private volatile long sentEntries;
  private final List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final LongAdder droppedMetrics = new LongAdder();
  private final LongAdder droppedParams = new LongAdder();
  private final LongAdder droppedTags = new LongAdder();
  /** The last attempt could not reach the server, or a caller found the queue full for maxWait. */
  private volatile boolean degraded;
  private volatile long degradedSinceNanos;
  private final AtomicBoolean outageLogged = new AtomicBoolean();
  private final AtomicBoolean dropLogged = new AtomicBoolean();
  /** Set when close() stops waiting for an unreachable server: the sender drops what it holds and what is left. */
  private volatile boolean abandoned;

  BatchingLogger(String name, int capacity, Sink sink) {
    this(name, capacity, DEFAULT_MAX_WAIT_MILLIS, FIRST_BACKOFF_MILLIS, sink);
  }

  BatchingLogger(String name, int capacity, long maxWaitMillis, long firstBackoffMillis, Sink sink) {
    if (capacity < 1) {
      throw CairnException.invalid("queue capacity " + capacity + " is below the minimum of 1");
    }
    this.name = name;
    this.capacity = capacity;
    this.maxWaitMillis = maxWaitMillis;
    this.firstBackoffMillis = firstBackoffMillis;
    this.room = new Semaphore(capacity);
    this.sink = sink;
    this.worker = new Thread(this::drainLoop, name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  void logMetric(Metric metric) {
    enqueue(new MetricEntry(metric));
  }

  void logParam(Param param) {
    enqueue(new ParamEntry(param));
  }

  void setTag(Tag tag) {
    enqueue(new TagEntry(tag));
  }

  /** Entries waiting to be sent; never more than the capacity. */
  int queued() {
    int n = 0;
    for (Entry e : queue) {
      if (!(e instanceof Marker)) {
        n++;
      }
    }
    return n;
  }

  /** Entries the sink has accepted so far. */
  long sent() {
    return sentEntries;
  }

  int capacity() {
    return capacity;
  }

  /** What was dropped because the server could not be reached, so far. */
  DroppedCounts dropped() {
    return new DroppedCounts(droppedMetrics.sum(), droppedParams.sum(), droppedTags.sum());
  }

  /** True between a batch that could not reach the server (or a full-queue wait that ran out) and the next one sent. */
  boolean isDegraded() {
    return degraded;
  }

  /**
   * Blocks until everything logged before this call has been sent; rethrows a send failure. If the server
   * has been unreachable for {@code maxWait} during the call, throws TEMPORARILY_UNAVAILABLE instead; the
   * entries stay queued and go out when the server is back.
   */
  void flush() {
    if (!awaitMarker(new Marker(false), maxWaitMillis)) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the tracking server has been unreachable for more"
          + " than " + maxWaitMillis + " ms; " + queued() + " entries stay queued and are sent when it is back");
    }
    throwIfFailed();
  }

  /** As {@link #close(long)}, waiting up to maxWait for an unreachable server. */
  @Override
  public void close() {
    close(maxWaitMillis);
  }

  /**
   * Flushes, stops the sender thread, and rethrows the first send failure if there was one. If the server
   * is unreachable for {@code waitMillis} during the call, what is still queued is dropped and counted.
   */
  void close(long waitMillis) {
    if (closed) {
      throwIfFailed();
      return;
    }
    closed = true;
    Marker stop = new Marker(true);
    if (!awaitMarker(stop, waitMillis)) {
      abandoned = true;
      worker.interrupt(); // out of a backoff pause or a request to a server that does not answer
    }
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Entry e = queue.poll(); e != null; e = queue.poll()) {
      drop(e); // left behind by an abandoned sender, or queued by a call racing with close()
    }
    throwIfFailed();
  }

  private void enqueue(Entry e) {
    if (closed) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the run's logger is closed; log before ending the run");
    }
    throwIfFailed();
    if (!room.tryAcquire()) {
      if (degraded || !waitForRoom()) {
        drop(e);
        return;
      }
    }
    queue.add(e);
  }

  /** Waits up to maxWait for room while the server is reachable; a wait that runs out starts dropping. */
  private boolean waitForRoom() {
    try {
      if (room.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while waiting for queue space", ex);
    }
    markDegraded("the logging queue stayed full for " + maxWaitMillis + " ms");
    return false;
  }

  private void drop(Entry e) {
    if (e instanceof MetricEntry) {
      droppedMetrics.increment();
    } else if (e instanceof ParamEntry) {
      droppedParams.increment();
    } else if (e instanceof TagEntry) {
      droppedTags.increment();
    } else {
      return;
    }
    if (dropLogged.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "{0}: the logging queue ({1} entries) is full while the tracking server"
          + " cannot keep up; new metrics, params and tags are dropped and counted (ActiveRun.dropped()) until"
          + " a batch goes through again", name, Integer.toString(capacity));
    }
  }

  private void dropAll(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    droppedMetrics.add(metrics.size());
    droppedParams.add(params.size());
    droppedTags.add(tags.size());
  }

  private void markDegraded(String why) {
    if (!degraded) {
      degradedSinceNanos = System.nanoTime();
      degraded = true;
    }
    if (outageLogged.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, "{0}: {1}; the batch is retried with backoff and new entries are queued"
          + " (capacity {2}) while the outage lasts", name, why, Integer.toString(capacity));
    }
  }

  private void markRecovered() {
    long seconds = (System.nanoTime() - degradedSinceNanos) / 1_000_000_000L;
    degraded = false;
    outageLogged.set(false);
    dropLogged.set(false);
    LOG.log(System.Logger.Level.INFO, "{0}: the tracking server accepts batches again after {1} s; dropped so far: {2}",
        name, Long.toString(seconds), dropped());
  }

  /** Waits for the worker to pass {@code marker}; false if the server stayed unreachable for {@code waitMillis}. */
  private boolean awaitMarker(Marker marker, long waitMillis) {
    if (!worker.isAlive()) {
      return true;
    }
    queue.add(marker);
    long start = System.nanoTime();
    try {
      synchronized (marker) {
        while (!marker.done && worker.isAlive()) {
          if (degraded && System.nanoTime() - start > waitMillis * 1_000_000L) {
            return false;
          }
          marker.wait(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while flushing the run's logger", e);
    }
    return true;
  }

  private void throwIfFailed() {
    RuntimeException f = failure;
    if (f != null) {
      if (f instanceof CairnException c) {
        throw new CairnException(c.code(), "logging to the run failed: " + c.getMessage(), c);
      }
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "logging to the run failed: " + f, f);
    }
  }

  private void drainLoop() {
    List<Entry> chunk = new ArrayList<>(MAX_ENTITIES);
    while (true) {
      chunk.clear();
      try {
        Entry first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        chunk.add(first);
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(chunk, MAX_ENTITIES - 1);
      int data = 0;
      for (Entry e : chunk) {
        if (!(e instanceof Marker)) {
          data++;
        }
      }
      room.release(data);
      if (processChunk(chunk)) {
        return;
      }
    }
  }

  /** Sends the chunk in order, cutting a batch at each marker or limit; returns true on a stop marker. */
  private boolean processChunk(List<Entry> chunk) {
    Batch batch = new Batch();
    for (Entry e : chunk) {
      if (e instanceof Marker m) {
        send(batch);
        batch = new Batch();
        synchronized (m) {
          m.done = true;
          m.notifyAll();
        }
        if (m.stop) {
          return true;
        }
      } else {
        if (!batch.accepts(e)) {
          send(batch);
          batch = new Batch();
        }
        batch.add(e);
      }
    }
    send(batch);
    return false;
  }

  private void send(Batch batch) {
    if (batch.isEmpty() || failure != null) {
      return;
    }
    try {
      sendIsolating(batch.metrics, new ArrayList<>(batch.params.values()), new ArrayList<>(batch.tags.values()));
    } catch (RuntimeException e) {
      failure = e;
    } catch (Error e) {
      failure = new CairnException(ErrorCode.INTERNAL_ERROR, "the run's logger thread failed: " + e, e);
    }
  }

  /**
   * Sends one batch, waiting out an outage: connection failures, timeouts, 429 and 503 are retried with
   * backoff until the batch goes through or close() gives up on it (then it is dropped and counted; false).
   * A batch whose request failed after it was sent is retried too: a param logged again with the same value
   * and a tag set again change nothing, and a server that ignores an exact duplicate metric point (MLflow's
   * primary key) stores nothing twice. Other errors propagate.
   */
  private boolean deliver(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    long backoff = firstBackoffMillis;
    while (!abandoned) {
      try {
        sink.send(metrics, params, tags);
        if (degraded) {
          markRecovered();
        }
        return true;
      } catch (CairnException e) {
        if (abandoned) {
          break;
        }
        if (!isOutage(e)) {
          throw e;
        }
        markDegraded("the tracking server cannot be reached (" + e.getMessage() + ")");
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        break; // close() gave up on the server
      }
      backoff = Math.min(backoff * 2, firstBackoffMillis * 8);
    }
    dropAll(metrics, params, tags);
    return false;
  }

  static boolean isOutage(CairnException e) {
    return e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE || e.code() == ErrorCode.TOO_MANY_REQUESTS;
  }

  private void sendIsolating(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    int size = metrics.size() + params.size() + tags.size();
    if (size == 0) {
      return;
    }
    try {
      if (deliver(metrics, params, tags)) {
        sentEntries += size;
      }
      return;
    } catch (CairnException e) {
      if (e.code().httpStatus() != 400) {
        throw e;
      }
      if (size == 1) {
        Object item = !metrics.isEmpty() ? metrics.get(0) : !params.isEmpty() ? params.get(0) : tags.get(0);
        rejected.add(item + ": " + e.getMessage());
        return;
      }
    }
    List<Object> all = new ArrayList<>(size);
    all.addAll(metrics);
    all.addAll(params);
    all.addAll(tags);
    int half = size / 2;
    sendPart(all.subList(0, half));
    sendPart(all.subList(half, size));
  }

  private void sendPart(List<Object> items) {
    List<Metric> m = new ArrayList<>();
    List<Param> p = new ArrayList<>();
    List<Tag> t = new ArrayList<>();
    for (Object o : items) {
      if (o instanceof Metric metric) {
        m.add(metric);
      } else if (o instanceof Param param) {
        p.add(param);
      } else {
        t.add((Tag) o);
      }
    }
    sendIsolating(m, p, t);
  }

  /** Items the server refused, each with its reason, in the order they were found. */
  List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** One log-batch request within MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 in all. */
  private static final class Batch {
    final List<Metric> metrics = new ArrayList<>();
    final Map<String, Param> params = new LinkedHashMap<>();
    final Map<String, Tag> tags = new LinkedHashMap<>();

    boolean accepts(Entry e) {
      if (size() >= MAX_ENTITIES) {
        return false;
      }
      if (e instanceof MetricEntry) {
        return metrics.size() < MAX_METRICS;
      }
      if (e instanceof ParamEntry p) {
        Param existing = params.get(p.param().key());
        // a different value for the same key must reach the server as its own error, not be overwritten
        return existing == null ? params.size() < MAX_PARAMS : existing.equals(p.param());
      }
      TagEntry t = (TagEntry) e;
      return tags.containsKey(t.tag().key()) || tags.size() < MAX_TAGS;
    }

    void add(Entry e) {
      if (e instanceof MetricEntry m) {
        metrics.add(m.metric());
      } else if (e instanceof ParamEntry p) {
        params.put(p.param().key(), p.param());
      } else if (e instanceof TagEntry t) {
        tags.remove(t.tag().key()); // last write wins and keeps its position last
        tags.put(t.tag().key(), t.tag());
      }
    }

    int size() {
      return metrics.size() + params.size() + tags.size();
    }

    boolean isEmpty() {
      return size() == 0;
    }
  }
}
