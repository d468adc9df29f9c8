package dev.cairn.client;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a run started by {@link CairnClient#startRun} logs: the capacity of its logging queue, whether and
 * how often system metrics are sampled, and where automatic git tags are read from.
 *
 * <p>The queue holds metrics, params and tags waiting for the background sender. When it is full, the
 * thread calling {@code logMetric} blocks until there is room: memory stays bounded and nothing is dropped,
 * at the price of the training loop slowing to the server's pace.
 *
 * @param queueCapacity entries the logging queue holds before callers block (default 100,000)
 * @param systemMetricsInterval how often to sample {@code system/*} metrics, or null for never (the default)
 * @param workingDirectory where {@code git} is asked for the commit, branch and remote (default: the JVM's cwd)
 * @param autoTags whether to add the source, user, JDK, host and git tags at start (default true)
 */
public record RunOptions(int queueCapacity, Duration systemMetricsInterval, Path workingDirectory, boolean autoTags) {
  /** Default capacity of the logging queue. */
  public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

  public RunOptions {
    if (queueCapacity < 1) {
      throw CairnException.invalid("queueCapacity " + queueCapacity + " is below the minimum of 1");
    }
    if (systemMetricsInterval != null && systemMetricsInterval.toMillis() < 100) {
      throw CairnException.invalid(
          "systemMetricsInterval " + systemMetricsInterval + " is shorter than the minimum of 100 ms");
    }
    Objects.requireNonNull(workingDirectory, "workingDirectory");
  }

  /** Capacity 100,000, no system metrics, git read from the current directory, automatic tags on. */
  public static RunOptions defaults() {
    return new RunOptions(DEFAULT_QUEUE_CAPACITY, null, Path.of(System.getProperty("user.dir")), true);
  }

  /** Holds at most {@code capacity} queued entries before log calls block. */
  public RunOptions withQueueCapacity(int capacity) {
    return new RunOptions(capacity, systemMetricsInterval, workingDirectory, autoTags);
  }

  /** Samples CPU, heap and RSS every {@code interval} while the run is active. */
  public RunOptions withSystemMetrics(Duration interval) {
    return new RunOptions(queueCapacity, interval, workingDirectory, autoTags);
  }

  /** Reads git tags from {@code dir} instead of the JVM's current directory. */
  public RunOptions withWorkingDirectory(Path dir) {
    return new RunOptions(queueCapacity, systemMetricsInterval, dir, autoTags);
  }

  /** Turns the automatic source, user, JDK, host and git tags on or off. */
  public RunOptions withAutoTags(boolean on) {
    return new RunOptions(queueCapacity, systemMetricsInterval, workingDirectory, on);
  }
}
