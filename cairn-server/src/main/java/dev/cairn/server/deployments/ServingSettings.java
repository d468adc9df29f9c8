package dev.cairn.server.deployments;

import dev.cairn.core.CairnException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.function.UnaryOperator;

/**
 * The server's serving and monitoring settings, each read from a system property or else an environment variable
 * (the same names {@code cairn server}'s flags read, e.g. {@code --prediction-log-sample-rate} and
 * {@code CAIRN_SERVER_PREDICTION_LOG_SAMPLE_RATE}).
 *
 * @param sampleRate share of predictions the prediction log keeps, 0 to 1
 *     ({@code CAIRN_SERVER_PREDICTION_LOG_SAMPLE_RATE}, default 1)
 * @param logCapacity predictions the log's queue holds before it drops
 *     ({@code CAIRN_SERVER_PREDICTION_LOG_CAPACITY}, default 10000)
 * @param monitorIntervalSeconds how often the monitor scheduler stores the closed windows of every deployment, 0 to
 *     turn it off ({@code CAIRN_SERVER_MONITOR_INTERVAL_SECONDS}, default 60)
 * @param processSampleSeconds how often the process figures are sampled, 0 to turn it off
 *     ({@code CAIRN_SERVER_PROCESS_SAMPLE_SECONDS}, default 5)
 * @param replicaId this server process's name in the serving counts and process samples
 *     ({@code CAIRN_SERVER_REPLICA_ID}, default host name and process id)
 * @param retentionDays how long serving counts and process samples are kept, 0 for ever; stored windows keep their
 *     figures ({@code CAIRN_SERVER_MONITOR_RETENTION_DAYS}, default 30, at least 2)
 */
public record ServingSettings(double sampleRate, int logCapacity, long monitorIntervalSeconds,
    long processSampleSeconds, String replicaId, int retentionDays) {
  public static final double DEFAULT_SAMPLE_RATE = 1.0;
  public static final int DEFAULT_LOG_CAPACITY = 10_000;
  public static final long DEFAULT_MONITOR_INTERVAL_SECONDS = 60;
  public static final long DEFAULT_PROCESS_SAMPLE_SECONDS = 5;
  /** The window width the scheduler stores: the monitor route's default. */
  public static final int SCHEDULED_WINDOW_MINUTES = 60;
  public static final int DEFAULT_RETENTION_DAYS = 30;

  public ServingSettings {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw CairnException.invalid("prediction log sample rate is " + sampleRate + "; it must be 0 to 1");
    }
    if (logCapacity < 1 || logCapacity > 10_000_000) {
      throw CairnException.invalid("prediction log capacity is " + logCapacity + "; it must be 1 to 10000000");
    }
    if (monitorIntervalSeconds < 0 || monitorIntervalSeconds > 86_400) {
      throw CairnException.invalid("monitor interval is " + monitorIntervalSeconds
          + " seconds; it must be 0 (off) to 86400");
    }
    if (processSampleSeconds < 0 || processSampleSeconds > 3600) {
      throw CairnException.invalid("process sample interval is " + processSampleSeconds
          + " seconds; it must be 0 (off) to 3600");
    }
    if (retentionDays != 0 && (retentionDays < 2 || retentionDays > 36_500)) {
      throw CairnException.invalid("monitor retention is " + retentionDays + " days; it must be 0 (keep everything)"
          + " or 2 to 36500");
    }
    if (replicaId == null || replicaId.isBlank()) {
      replicaId = defaultReplicaId();
    }
    if (replicaId.length() > 128) {
      throw CairnException.invalid("replica id '" + replicaId + "' is longer than 128 characters");
    }
  }

  /** Settings without retention (the default 30 days). */
  public ServingSettings(double sampleRate, int logCapacity, long monitorIntervalSeconds, long processSampleSeconds,
      String replicaId) {
    this(sampleRate, logCapacity, monitorIntervalSeconds, processSampleSeconds, replicaId, DEFAULT_RETENTION_DAYS);
  }

  public static ServingSettings defaults() {
    return new ServingSettings(DEFAULT_SAMPLE_RATE, DEFAULT_LOG_CAPACITY, DEFAULT_MONITOR_INTERVAL_SECONDS,
        DEFAULT_PROCESS_SAMPLE_SECONDS, null, DEFAULT_RETENTION_DAYS);
  }

  /** The settings from system properties ({@code cairn.server.prediction-log-sample-rate}, ...) or the environment. */
  public static ServingSettings fromEnvironment() {
    return from(name -> {
      String property = System.getProperty("cairn.server." + name.substring("CAIRN_SERVER_".length())
          .toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      return property != null ? property : System.getenv(name);
    });
  }

  /** The settings from {@code lookup} by environment variable name; unset or blank means the default. */
  public static ServingSettings from(UnaryOperator<String> lookup) {
    return new ServingSettings(
        number(lookup, "CAIRN_SERVER_PREDICTION_LOG_SAMPLE_RATE", DEFAULT_SAMPLE_RATE),
        (int) whole(lookup, "CAIRN_SERVER_PREDICTION_LOG_CAPACITY", DEFAULT_LOG_CAPACITY),
        whole(lookup, "CAIRN_SERVER_MONITOR_INTERVAL_SECONDS", DEFAULT_MONITOR_INTERVAL_SECONDS),
        whole(lookup, "CAIRN_SERVER_PROCESS_SAMPLE_SECONDS", DEFAULT_PROCESS_SAMPLE_SECONDS),
        lookup.apply("CAIRN_SERVER_REPLICA_ID"),
        (int) whole(lookup, "CAIRN_SERVER_MONITOR_RETENTION_DAYS", DEFAULT_RETENTION_DAYS));
  }

  private static double number(UnaryOperator<String> lookup, String name, double fallback) {
    String text = lookup.apply(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw CairnException.invalid(name + " '" + text + "' is not a number");
    }
  }

  private static long whole(UnaryOperator<String> lookup, String name, long fallback) {
    String text = lookup.apply(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw CairnException.invalid(name + " '" + text + "' is not a whole number");
    }
  }

  /** {@code HOST-PID}: unique per process on a machine, readable in the samples. */
  static String defaultReplicaId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      host = "localhost";
    }
    String id = host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    return id.length() > 128 ? id.substring(id.length() - 128) : id;
  }
}
