package dev.cairn.client;

import dev.cairn.core.CairnException;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.TrackingValidation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A run in progress, returned by {@link CairnClient#startRun}: metrics, params and tags logged here are
 * queued and sent in batches by a background thread; closing the run flushes them and ends the run.
 * If the JVM exits with the run still open, a shutdown hook flushes it and ends it KILLED.
 *
 * <p>{@link #close()} ends the run FINISHED, or FAILED if {@link #fail(Throwable)} was called or if
 * flushing the queue failed (that error is then thrown). Log calls block when the queue is full (see
 * {@link RunOptions}). Log calls may come from several threads; the order of points from one thread is kept.
 */
public final class ActiveRun implements AutoCloseable {
  /** Tag holding the exception that failed a run, cut to this many characters. */
  static final String ERROR_TAG = "cairn.error";
  static final int ERROR_TAG_MAX = 1000;
  /** A batch waits up to 0.5 + 1 + 2 + 4 s for a server that is restarting or shedding load. */
  private static final Retry SEND_RETRY = new Retry(5, 500);

  private final CairnClient client;
  private final RunInfo info;
  private final String artifactRoot;
  private final BatchingLogger logger;
  private final SystemMetrics systemMetrics;
  private volatile Throwable failure;
  /** Params this handle logged, to refuse a changed value at the call rather than in a later batch. */
  private final java.util.concurrent.ConcurrentHashMap<String, String> loggedParams =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile RunStatus endStatus;
  private boolean closed;
  private final Thread exitHook;

  ActiveRun(CairnClient client, RunInfo info, RunOptions options) {
    this.client = client;
    this.info = info;
    this.artifactRoot = CairnClient.artifactRoot(info);
    String shortId = info.runId().length() > 8 ? info.runId().substring(0, 8) : info.runId();
    this.logger = new BatchingLogger("cairn-logger-" + shortId, options.queueCapacity(),
        (metrics, params, tags) -> SEND_RETRY.run(() -> client.logBatch(info.runId(), metrics, params, tags)));
    this.systemMetrics = options.systemMetricsInterval() == null ? null
        : new SystemMetrics("cairn-system-metrics-" + shortId, options.systemMetricsInterval().toMillis(),
            logger::logMetric);
    this.exitHook = new Thread(this::endOnExit, "cairn-run-exit-" + shortId);
    Runtime.getRuntime().addShutdownHook(exitHook);
  }

  /** A JVM that exits with the run still open (System.exit, Ctrl-C) sends what is queued and ends it KILLED. */
  private void endOnExit() {
    synchronized (this) {
      if (closed) {
        return;
      }
      endStatus = RunStatus.KILLED;
    }
    try {
      close();
    } catch (RuntimeException ignored) {
      // nothing left to report to at exit
    }
  }

  /** The run's id (32 hex characters on Cairn and MLflow). */
  public String runId() {
    return info.runId();
  }

  /** The run as it was when it started. */
  public RunInfo info() {
    return info;
  }

  /** Queues a metric point at step 0, timestamped now. */
  public void logMetric(String key, double value) {
    logMetric(key, value, 0);
  }

  /** Queues a metric point, timestamped now. */
  public void logMetric(String key, double value, long step) {
    Metric m = new Metric(key, value, System.currentTimeMillis(), step);
    TrackingValidation.metric(m); // a bad key fails here, at the call, and nothing else is affected
    logger.logMetric(m);
  }

  /** Queues several metric points at one step; a bad key throws before any of them is queued. */
  public void logMetrics(Map<String, Double> values, long step) {
    long now = System.currentTimeMillis();
    List<Metric> points = new java.util.ArrayList<>(values.size());
    values.forEach((k, v) -> points.add(new Metric(k, v, now, step)));
    points.forEach(TrackingValidation::metric);
    points.forEach(logger::logMetric);
  }

  /**
   * Queues a param. Params are immutable: another value for a key this run already logged throws
   * {@code INVALID_PARAMETER_VALUE} here, at the call, and nothing else logged is affected.
   */
  public void logParam(String key, String value) {
    Param p = new Param(key, value);
    TrackingValidation.param(p);
    String before = loggedParams.putIfAbsent(p.key(), p.value());
    if (before != null && !before.equals(p.value())) {
      throw CairnException.invalid("param '" + p.key() + "' was already logged as '" + before
          + "' on run " + info.runId() + "; params are immutable, so '" + p.value() + "' is refused");
    }
    logger.logParam(p);
  }

  /** Queues several params. */
  public void logParams(Map<String, String> params) {
    params.forEach(this::logParam);
  }

  /** Queues a tag; the last value set wins. */
  public void setTag(String key, String value) {
    Tag t = new Tag(key, value);
    TrackingValidation.tag(t);
    logger.setTag(t);
  }

  /**
   * Items the server refused although they passed the checks at the call (say a param another client set
   * first), each with the server's reason. They were isolated from their batch, so everything else in it was
   * stored; they are not retried.
   */
  public List<String> rejected() {
    return logger.rejected();
  }

  /** Uploads a file now (not queued) under {@code artifactPath} (null for the run's artifact root). */
  public void logArtifact(Path localFile, String artifactPath) {
    client.uploadTo(artifactRoot, localFile, artifactPath, CairnClient.Progress.NONE);
  }

  /** Uploads a file now to the run's artifact root. */
  public void logArtifact(Path localFile) {
    logArtifact(localFile, null);
  }

  /** Records a dataset the run used, now (not queued). */
  public void logInput(DatasetInput dataset) {
    client.logInputs(info.runId(), List.of(dataset));
  }

  /** Blocks until everything queued so far is on the server; throws the first send error if any. */
  public void flush() {
    logger.flush();
  }

  /**
   * Marks the run as failed because of {@code cause}: {@link #close()} will end it FAILED and tag it with
   * {@code cairn.error}. Does not end the run by itself.
   */
  public void fail(Throwable cause) {
    this.failure = cause;
  }

  /** Ends the run with this status on {@link #close()}, e.g. KILLED; FAILED from a send error still wins. */
  public void endAs(RunStatus status) {
    if (!status.isTerminal()) {
      throw CairnException.invalid("run end status " + status + " is not terminal; use FINISHED, FAILED or KILLED");
    }
    this.endStatus = status;
  }

  /**
   * Stops system-metric sampling, sends everything queued, and ends the run: FINISHED, or FAILED after
   * {@link #fail(Throwable)} or when queued data could not be sent, in which case that error is thrown.
   * Closing twice does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != exitHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException exiting) {
        // the JVM is shutting down; the hook is running or will find the run closed
      }
    }
    if (systemMetrics != null) {
      systemMetrics.close();
    }
    Throwable cause = failure;
    if (cause != null) {
      String text = cause.toString();
      try {
        logger.setTag(new Tag(ERROR_TAG, text.length() > ERROR_TAG_MAX ? text.substring(0, ERROR_TAG_MAX) : text));
      } catch (RuntimeException ignored) {
        // the logger already failed; close() below reports that
      }
    }
    RuntimeException error = null;
    try {
      logger.close();
    } catch (RuntimeException e) {
      error = e;
    }
    RunStatus status = error != null || cause != null ? RunStatus.FAILED
        : endStatus != null ? endStatus : RunStatus.FINISHED;
    try {
      client.updateRun(info.runId(), status);
    } catch (RuntimeException e) {
      if (error == null) {
        error = e;
      } else {
        error.addSuppressed(e);
      }
    }
    if (error != null) {
      throw error;
    }
  }

  /** Entries waiting in the logging queue (for tests and monitoring). */
  int queued() {
    return logger.queued();
  }
}
