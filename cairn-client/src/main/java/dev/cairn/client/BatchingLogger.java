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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends a run's metrics, params and tags in log-batch calls from one named daemon thread, so a training
 * loop does not wait for the network per point. The queue is bounded: when it is full the logging thread
 * blocks until the sender catches up (back-pressure, never unbounded memory, never a silent drop). A batch
 * the server refuses as invalid is split until the bad items stand alone: the rest is stored, the bad ones
 * are listed in {@link #rejected()}. Any other failure is kept; later log calls and {@link #close()} rethrow
 * it, and entries queued after it are discarded rather than sent out of order.
 */
final class BatchingLogger implements AutoCloseable {
  static final int MAX_METRICS = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;
  static final int MAX_ENTITIES = 1000;

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

  private final BlockingQueue<Entry> queue;
  private final Sink sink;
  private final Thread worker;
  private volatile RuntimeException failure;
  private volatile boolean closed;
  private volatile long sentEntries;
  private final List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();

  BatchingLogger(String name, int capacity, Sink sink) {
    if (capacity < 1) {
      throw CairnException.invalid("queue capacity " + capacity + " is below the minimum of 1");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
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
    return queue.size() + queue.remainingCapacity();
  }

  /** Blocks until everything logged before this call has been sent; rethrows a send failure. */
  void flush() {
    awaitMarker(new Marker(false));
    throwIfFailed();
  }

  /** Flushes, stops the sender thread, and rethrows the first send failure if there was one. */
  @Override
  public void close() {
    if (closed) {
      throwIfFailed();
      return;
    }
    closed = true;
    awaitMarker(new Marker(true));
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throwIfFailed();
  }

  private void enqueue(Entry e) {
    if (closed) {
      throw new CairnException(ErrorCode.INVALID_STATE, "the run's logger is closed; log before ending the run");
    }
    throwIfFailed();
    try {
      queue.put(e);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while waiting for queue space", ex);
    }
  }

  private void awaitMarker(Marker marker) {
    if (!worker.isAlive()) {
      return;
    }
    try {
      queue.put(marker);
      synchronized (marker) {
        while (!marker.done && worker.isAlive()) {
          marker.wait(200);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while flushing the run's logger", e);
    }
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
   * Sends a batch; when the server refuses it as invalid (log-batch is all-or-nothing), sends each half
   * again until the refused items stand alone, so every valid item is stored and each bad one is named in
   * {@link #rejected()}. Other failures (server down after retries) propagate.
   */
  private void sendIsolating(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    int size = metrics.size() + params.size() + tags.size();
    if (size == 0) {
      return;
    }
    try {
      sink.send(metrics, params, tags);
      sentEntries += size;
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
