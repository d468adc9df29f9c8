package dev.cairn.client;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a run started by {@link CairnClient#startRun} logs: the capacity of its logging queue, how long any
 * call waits on a server that does not keep up, whether and how often system metrics are sampled, where
 * automatic git tags are read from, and the parent of a nested run.
 *
 * <p>The queue holds metrics, params and tags waiting for the background sender. When it is full while the
 * server accepts batches, the thread calling {@code logMetric} waits for room, at most {@code maxWait}: the
 * training loop slows to the server's pace. While the server cannot be reached, the queue keeps filling and,
 * once full, new entries are dropped at the call without waiting and counted in {@link ActiveRun#dropped()}.
 * {@link ActiveRun#flush()} and {@link ActiveRun#close()} wait at most {@code maxWait} for an unreachable server.
 *
 * @param queueCapacity entries the logging queue holds (default 100,000)
 * @param systemMetricsInterval how often to sample {@code system/*} metrics, or null for never (the default)
 * @param workingDirectory where {@code git} is asked for the commit, branch and remote (default: the JVM's cwd)
 * @param autoTags whether to add the source, user, JDK, host and git tags at start (default true)
 * @param maxWait the longest a log call waits for room and flush/close wait for an unreachable server (default 30 s)
 * @param parentRunId the run this one is nested under (tag {@code mlflow.parentRunId}), or null (the default)
 */
public record RunOptions(int queueCapacity, Duration systemMetricsInterval, Path workingDirectory, boolean autoTags,
    Duration maxWait, String parentRunId) {
  /** Default capacity of the logging queue. */
  public static final int DEFAULT_QUEUE_CAPACITY = 100_000;
  /** Default of {@link #maxWait()}. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

  public RunOptions {
    if (queueCapacity < 1) {
      throw CairnException.invalid("queueCapacity " + queueCapacity + " is below the minimum of 1");
    }
    if (systemMetricsInterval != null && systemMetricsInterval.toMillis() < 100) {
      throw CairnException.invalid(
          "systemMetricsInterval " + systemMetricsInterval + " is shorter than the minimum of 100 ms");
    }
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw CairnException.invalid("maxWait " + maxWait + " is negative");
    }
    if (parentRunId != null && parentRunId.isBlank()) {
      throw CairnException.invalid("parentRunId is blank; pass null for a top-level run");
    }
  }

  /** As the full constructor, with the default wait and no parent run. */
  public RunOptions(int queueCapacity, Duration systemMetricsInterval, Path workingDirectory, boolean autoTags) {
    this(queueCapacity, systemMetricsInterval, workingDirectory, autoTags, DEFAULT_MAX_WAIT, null);
  }

  /** Capacity 100,000, wait at most 30 s, no system metrics, git read from the current directory, automatic tags on. */
  public static RunOptions defaults() {
    return new RunOptions(DEFAULT_QUEUE_CAPACITY, null, Path.of(System.getProperty("user.dir")), true);
  }

  /** Holds at most {@code capacity} queued entries (see the class comment for what happens when it is full). */
  public RunOptions withQueueCapacity(int capacity) {
    return new RunOptions(capacity, systemMetricsInterval, workingDirectory, autoTags, maxWait, parentRunId);
  }

  /** Samples CPU, heap and RSS every {@code interval} while the run is active. */
  public RunOptions withSystemMetrics(Duration interval) {
    return new RunOptions(queueCapacity, interval, workingDirectory, autoTags, maxWait, parentRunId);
  }

  /** Reads git tags from {@code dir} instead of the JVM's current directory. */
  public RunOptions withWorkingDirectory(Path dir) {
    return new RunOptions(queueCapacity, systemMetricsInterval, dir, autoTags, maxWait, parentRunId);
  }

  /** Turns the automatic source, user, JDK, host and git tags on or off. */
  public RunOptions withAutoTags(boolean on) {
    return new RunOptions(queueCapacity, systemMetricsInterval, workingDirectory, on, maxWait, parentRunId);
  }

  /** Waits at most {@code wait} for room in a full queue, and in flush/close for an unreachable server. */
  public RunOptions withMaxWait(Duration wait) {
    return new RunOptions(queueCapacity, systemMetricsInterval, workingDirectory, autoTags, wait, parentRunId);
  }

  /** Nests the run under {@code runId} (MLflow's {@code mlflow.parentRunId} tag); null for a top-level run. */
  public RunOptions withParentRunId(String runId) {
    return new RunOptions(queueCapacity, systemMetricsInterval, workingDirectory, autoTags, maxWait, runId);
  }
}
