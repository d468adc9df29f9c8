package dev.cairn.client;

import dev.cairn.tracking.Metric;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Samples this JVM's CPU, heap and resident memory at start and then on a fixed interval into {@code system/*} metrics, the
 * names MLflow's system-metrics monitor uses. One named daemon thread per run; stopped when the run ends.
 */
final class SystemMetrics implements AutoCloseable {
  static final String CPU = "system/cpu_utilization_percentage";
  static final String HEAP = "system/heap_used_megabytes";
  static final String RSS = "system/rss_megabytes";

  private final ScheduledExecutorService scheduler;
  private final Consumer<Metric> sink;
  private long step;

  SystemMetrics(String threadName, long intervalMillis, Consumer<Metric> sink) {
    this.sink = sink;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    sampleQuietly(); // one sample at start, so even a short run has a baseline
    scheduler.scheduleAtFixedRate(this::sampleQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // a closed logger ends sampling; the logger itself reports why
      scheduler.shutdown();
    }
  }

  void sample() {
    long now = System.currentTimeMillis();
    long s = step++;
    cpuPercent().ifPresent(v -> sink.accept(new Metric(CPU, v, now, s)));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    sink.accept(new Metric(HEAP, memory.getHeapMemoryUsage().getUsed() / 1048576.0, now, s));
    rssMegabytes().ifPresent(v -> sink.accept(new Metric(RSS, v, now, s)));
  }

  /** The process's CPU load across all cores, 0-100, when the JVM exposes it. */
  static OptionalDouble cpuPercent() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getProcessCpuLoad();
      if (load >= 0) {
        return OptionalDouble.of(load * 100.0);
      }
    }
    return OptionalDouble.empty();
  }

  /** VmRSS from /proc/self/status (Linux); empty elsewhere. */
  static OptionalDouble rssMegabytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return OptionalDouble.of(Long.parseLong(parts[0]) / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.empty();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
