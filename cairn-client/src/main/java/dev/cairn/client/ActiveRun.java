package dev.cairn.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.TrackingValidation;
import java.awt.image.RenderedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run in progress, returned by {@link CairnClient#startRun}: metrics, params and tags logged here are
 * queued and sent in batches by a background thread; closing the run flushes them and ends the run.
 * If the JVM exits with the run still open, a shutdown hook flushes it and ends it KILLED.
 *
 * <p>{@link #close()} ends the run FINISHED, or FAILED if {@link #fail(Throwable)} was called or if the
 * server refused the queued data for a reason other than a bad item (that error is then thrown).
 *
 * <p>A tracking outage never stops the training loop: the sender retries with backoff while the queue
 * fills; a full queue makes log calls wait at most {@link RunOptions#maxWait()} while the server is
 * reachable, and drops new entries without waiting while it is not. {@link #dropped()} counts what was
 * dropped, {@link #rejected()} what the server refused as invalid. Log calls may come from several threads;
 * the order of points from one thread is kept. Artifact calls are synchronous and throw when they fail.
 */
public final class ActiveRun implements AutoCloseable {
  /** Tag holding the exception that failed a run, cut to this many characters. */
  static final String ERROR_TAG = "cairn.error";
  static final int ERROR_TAG_MAX = 1000;
  /** Tag a run gets when entries were dropped during an outage, so the stored run says it is incomplete. */
  static final String DROPPED_TAG = "cairn.dropped";
  /**
   * Ending the run (and tagging it) waits up to 0.5 + 1 + 2 + 4 s for a server that is restarting or
   * shedding load; both calls set a value, so sending one twice does no harm.
   */
  private static final Retry END_RETRY = new Retry(5, 500, true);
  /** At JVM exit, an unreachable server is waited for this long at most. */
  private static final long EXIT_WAIT_MILLIS = 5_000;
  private static final System.Logger LOG = System.getLogger(ActiveRun.class.getName());

  private final CairnClient client;
  private final RunInfo info;
  private final RunOptions options;
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
    this.options = options;
    this.artifactRoot = ArtifactTransfer.root(info);
    String shortId = info.runId().length() > 8 ? info.runId().substring(0, 8) : info.runId();
    this.logger = new BatchingLogger("cairn-logger-" + shortId, options.queueCapacity(), options.maxWait().toMillis(),
        BatchingLogger.FIRST_BACKOFF_MILLIS, (metrics, params, tags) -> client.logBatch(info.runId(), metrics, params, tags));
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
      close(Math.min(options.maxWait().toMillis(), EXIT_WAIT_MILLIS));
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

  /**
   * What the logger dropped because the tracking server could not be reached and the queue was full (or
   * because {@link #close()} stopped waiting for it). Zero unless there was an outage.
   */
  public DroppedCounts dropped() {
    return logger.dropped();
  }

  /** Uploads a file now (not queued) under {@code artifactPath} (null for the run's artifact root). */
  public void logArtifact(Path localFile, String artifactPath) {
    client.artifacts().uploadFile(artifactRoot, localFile, artifactPath, CairnClient.Progress.NONE);
  }

  /** Uploads a file now to the run's artifact root. */
  public void logArtifact(Path localFile) {
    logArtifact(localFile, null);
  }

  /**
   * Uploads every file under {@code localDir} now, recursively, keeping paths relative to it under
   * {@code artifactPath} (null for the root); returns the run-relative paths written.
   */
  public List<String> logArtifacts(Path localDir, String artifactPath) {
    return client.artifacts().uploadDirectory(artifactRoot, localDir, artifactPath, CairnClient.Progress.NONE);
  }

  /** Writes {@code text} as UTF-8 to the artifact file {@code artifactFile}, e.g. {@code "notes/summary.txt"}. */
  public void logText(String text, String artifactFile) {
    client.artifacts().uploadBytes(artifactRoot, artifactFile, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code value} (a Map, List, record or any Jackson-serialisable object) to {@code artifactFile}
   * as indented JSON, or as YAML when the name ends in {@code .yaml} or {@code .yml} (MLflow's {@code log_dict}).
   */
  public void logJson(Object value, String artifactFile) {
    String lower = artifactFile == null ? "" : artifactFile.toLowerCase(Locale.ROOT);
    ObjectMapper mapper = lower.endsWith(".yaml") || lower.endsWith(".yml") ? Json.YAML : Json.MAPPER;
    byte[] bytes;
    try {
      bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw CairnException.invalid("cannot write " + (value == null ? "null" : value.getClass().getName())
          + " as " + artifactFile + ": " + e.getOriginalMessage());
    }
    client.artifacts().uploadBytes(artifactRoot, artifactFile, bytes);
  }

  /**
   * Encodes {@code image} in the format its file name ends with ({@code .png}, {@code .jpg}/{@code .jpeg},
   * {@code .gif} or {@code .bmp}) and uploads it as {@code artifactFile}, e.g. {@code "plots/confusion.png"}.
   */
  public void logImage(RenderedImage image, String artifactFile) {
    client.artifacts().uploadBytes(artifactRoot, artifactFile, Images.encode(image, artifactFile));
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

  /**
   * Starts a run nested under this one, in the same experiment and with the same options (MLflow's
   * {@code mlflow.parentRunId} tag); close it before this one.
   */
  public ActiveRun startChildRun(String runName) {
    return client.startRun(info.experimentId(), runName, options.withParentRunId(info.runId()));
  }

  /** Sends what is queued and ends the run with {@code status} (FINISHED, FAILED or KILLED): {@link #endAs} then {@link #close}. */
  public void end(RunStatus status) {
    endAs(status);
    close();
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
   * {@link #fail(Throwable)} or when the server refused queued data (that error is then thrown). If the
   * server is unreachable, waits at most {@link RunOptions#maxWait()} for it, drops what is left (counted in
   * {@link #dropped()}, tagged {@code cairn.dropped} when possible), logs a warning and returns; the run
   * then stays RUNNING on the server if it could not be ended. Closing twice does nothing.
   */
  @Override
  public void close() {
    close(options.maxWait().toMillis());
  }

  private synchronized void close(long waitMillis) {
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
      logger.close(waitMillis);
    } catch (RuntimeException e) {
      error = e;
    }
    DroppedCounts dropped = logger.dropped();
    RunStatus status = error != null || cause != null ? RunStatus.FAILED
        : endStatus != null ? endStatus : RunStatus.FINISHED;
    try {
      if (dropped.total() > 0) {
        END_RETRY.run(() -> client.setRunTag(info.runId(), DROPPED_TAG,
            "metrics=" + dropped.metrics() + " params=" + dropped.params() + " tags=" + dropped.tags()));
      }
      END_RETRY.run(() -> client.updateRun(info.runId(), status));
    } catch (RuntimeException e) {
      if (error != null) {
        error.addSuppressed(e);
      } else if (!(e instanceof CairnException c && BatchingLogger.isOutage(c))) {
        error = e;
      } else {
        LOG.log(System.Logger.Level.WARNING, "run {0} could not be ended {1} and stays RUNNING on the server: {2}",
            info.runId(), status, e.getMessage());
      }
    }
    if (dropped.total() > 0) {
      LOG.log(System.Logger.Level.WARNING, "run {0}: {1} metric points, {2} params and {3} tags were dropped"
          + " while the tracking server was unreachable", info.runId(), Long.toString(dropped.metrics()),
          Long.toString(dropped.params()), Long.toString(dropped.tags()));
    }
    if (error != null) {
      throw error;
    }
  }

  /** True while the logger cannot reach the server (for tests and monitoring). */
  boolean isServerUnreachable() {
    return logger.isDegraded();
  }

  /** Entries waiting in the logging queue (for tests and monitoring). */
  int queued() {
    return logger.queued();
  }
}
