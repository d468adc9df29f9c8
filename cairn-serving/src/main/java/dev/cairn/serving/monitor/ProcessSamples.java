package dev.cairn.serving.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.core.CairnException;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server process's CPU load, heap and resident set size, sampled every few seconds into V75
 * {@code process_samples} under this process's replica id, and read back as avg/max per replica over a window.
 */
public final class ProcessSamples implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessSamples.class);
  private static final Path STATUS = Path.of("/proc/self/status");

  /**
   * One sample.
   *
   * @param cpu process CPU load, 0 to 1 of all cores; null when the JVM cannot tell
   * @param heapUsed heap bytes in use
   * @param rss resident set size in bytes; null where {@code /proc/self/status} is not readable
   */
  public record Sample(Double cpu, long heapUsed, Long rss) {}

  /**
   * One replica's figures over a window.
   *
   * @param samples how many samples the window holds
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Figures(String replica, long samples,
      @JsonProperty("cpu_avg") Double cpuAvg, @JsonProperty("cpu_max") Double cpuMax,
      @JsonProperty("heap_used_avg") Double heapUsedAvg, @JsonProperty("heap_used_max") Long heapUsedMax,
      @JsonProperty("rss_avg") Double rssAvg, @JsonProperty("rss_max") Long rssMax) {}

  /** Figures per replica (by name) and window start. */
  public record WindowFigures(long windowStart, Figures figures) {}

  private final SqlDatabase db;
  private final String replica;
  private final LongSupplier clock;
  private ScheduledExecutorService sampler;

  public ProcessSamples(SqlDatabase db, String replica, LongSupplier clock) {
    if (replica == null || replica.isBlank() || replica.length() > 128) {
      throw CairnException.invalid("replica id '" + replica + "' must be 1 to 128 characters");
    }
    this.db = db;
    this.replica = replica;
    this.clock = clock;
  }

  /** This process's figures now. */
  public static Sample sample() {
    Double cpu = null;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getProcessCpuLoad();
      cpu = load >= 0 ? load : null; // negative: not available (yet)
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Sample(cpu, heap, rss(STATUS));
  }

  /** VmRSS of a {@code /proc/PID/status} file in bytes; null when the file or the line is missing. */
  static Long rss(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          long kb = Long.parseLong(parts[0]);
          return kb * 1024;
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Takes a sample and stores it; a failing write is logged and skipped. */
  public void record() {
    record(sample());
  }

  void record(Sample s) {
    long now = clock.getAsLong();
    try {
      db.write(h -> h.createUpdate("INSERT INTO process_samples (replica, time_ms, cpu, heap_used, rss)"
              + " VALUES (:r, :t, :cpu, :heap, :rss)").bind("r", replica).bind("t", now).bind("cpu", s.cpu())
          .bind("heap", s.heapUsed()).bind("rss", s.rss()).execute());
    } catch (RuntimeException e) {
      LOG.warn("process samples: cannot store a sample: {}", e.getMessage());
    }
  }

  /** Samples every {@code millis} milliseconds in the background until {@link #close}. */
  public synchronized void start(long millis) {
    if (sampler != null) {
      return;
    }
    sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-process-samples");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleWithFixedDelay(this::record, 0, millis, TimeUnit.MILLISECONDS);
  }

  /** Avg/max per replica and window of {@code widthMs} from {@code fromMs}, over samples in {@code [fromMs, toMs)}. */
  public static List<WindowFigures> figures(SqlDatabase db, long fromMs, long toMs, long widthMs) {
    return db.read(h -> h.createQuery("SELECT replica, slot, COUNT(*) AS samples, AVG(cpu) AS cpu_avg,"
            + " MAX(cpu) AS cpu_max, AVG(heap_used) AS heap_avg, MAX(heap_used) AS heap_max, AVG(rss) AS rss_avg,"
            + " MAX(rss) AS rss_max FROM (SELECT replica, (time_ms - :from) / :width AS slot, cpu, heap_used, rss"
            + " FROM process_samples WHERE time_ms >= :from AND time_ms < :to) s GROUP BY replica, slot"
            + " ORDER BY replica")
        .bind("from", fromMs).bind("to", toMs).bind("width", widthMs)
        .map((rs, ctx) -> new WindowFigures(fromMs + rs.getLong("slot") * widthMs, new Figures(rs.getString("replica"),
            rs.getLong("samples"), rs.getObject("cpu_avg") == null ? null : rs.getDouble("cpu_avg"),
            rs.getObject("cpu_max") == null ? null : rs.getDouble("cpu_max"),
            rs.getObject("heap_avg") == null ? null : rs.getDouble("heap_avg"),
            rs.getObject("heap_max") == null ? null : rs.getLong("heap_max"),
            rs.getObject("rss_avg") == null ? null : rs.getDouble("rss_avg"),
            rs.getObject("rss_max") == null ? null : rs.getLong("rss_max"))))
        .list());
  }

  /** The figures of {@link #figures} grouped by window start, replicas in name order. */
  public static Map<Long, List<Figures>> byWindow(SqlDatabase db, long fromMs, long toMs, long widthMs) {
    Map<Long, List<Figures>> out = new TreeMap<>();
    for (WindowFigures w : figures(db, fromMs, toMs, widthMs)) {
      out.computeIfAbsent(w.windowStart(), k -> new ArrayList<>()).add(w.figures());
    }
    return out;
  }

  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      running = sampler;
      sampler = null;
    }
    if (running != null) {
      running.shutdown();
      try {
        running.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
