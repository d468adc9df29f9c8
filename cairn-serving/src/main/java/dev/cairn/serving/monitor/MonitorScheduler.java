package dev.cairn.serving.monitor;

import dev.cairn.core.CairnException;
import dev.cairn.core.LoopHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes and stores the closed monitor windows of every deployment in the background, so windows (and the alerts
 * and gauges that read them) exist even when nobody asks. Windows are aligned to multiples of their width since the
 * epoch, the same slots the monitor route asks for by default, and only windows closed for
 * {@link MonitorService#GRACE_MS} are computed: each run stores what closed since the last one and reads the rest back.
 */
public final class MonitorScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorScheduler.class);
  /** How far back a run looks for windows not stored yet (a server down for a while catches up this far). */
  public static final long LOOKBACK_MS = 24 * 3_600_000L;

  private final MonitorService monitors;
  private final Supplier<List<String>> deployments;
  private final int windowMinutes;
  private final LongSupplier clock;
  private final Consumer<List<MonitorWindow>> listener;
  private final AtomicLong runs = new AtomicLong();
  /** Each round's outcome, for /health. */
  private final LoopHealth rounds;
  private volatile long retentionMs;
  private ScheduledExecutorService executor;

  /**
   * @param deployments the names of the deployments to watch, asked on every run
   * @param windowMinutes the width of the windows stored
   * @param listener handed each deployment's windows after every run (e.g. gauges of the latest one)
   */
  public MonitorScheduler(MonitorService monitors, Supplier<List<String>> deployments, int windowMinutes,
      LongSupplier clock, Consumer<List<MonitorWindow>> listener) {
    if (windowMinutes < 1 || windowMinutes > 525_600) {
      throw CairnException.invalid("monitor window of " + windowMinutes + " minutes; it must be 1 to 525600");
    }
    this.monitors = monitors;
    this.deployments = deployments;
    this.windowMinutes = windowMinutes;
    this.clock = clock;
    this.rounds = new LoopHealth("monitor-scheduler", LoopHealth.DEFAULT_FAILED_ROUNDS, clock);
    this.listener = listener == null ? w -> {} : listener;
  }

  /**
   * Makes every run also delete the serving counts and process samples older than {@code retentionMs} (0: keep
   * them all); at least the lookback, so no window a run still computes loses its figures.
   */
  public MonitorScheduler retain(long retentionMs) {
    if (retentionMs != 0 && retentionMs < LOOKBACK_MS + windowMinutes * 60_000L) {
      throw CairnException.invalid("monitor retention of " + retentionMs + " ms is shorter than the scheduler's"
          + " lookback of a day and a window; keep at least that, or 0 for everything");
    }
    this.retentionMs = retentionMs;
    return this;
  }

  /** The range of closed windows one run computes at {@code nowMs}: {@code [from, to)}, aligned to the width. */
  public static long[] closedRange(long nowMs, int windowMinutes) {
    long width = windowMinutes * 60_000L;
    long to = Math.floorDiv(nowMs - MonitorService.GRACE_MS, width) * width;
    long from = Math.max(0, Math.floorDiv(to - Math.max(width, LOOKBACK_MS), width) * width);
    return new long[] {from, Math.max(from, to)};
  }

  /**
   * One run: every deployment's closed windows computed (stored) or read back, one window at a time so that a busy
   * hour or a failing bundle costs only its own window; the listener gets each deployment's windows, oldest first.
   */
  public void runOnce() {
    long[] range = closedRange(clock.getAsLong(), windowMinutes);
    long width = windowMinutes * 60_000L;
    List<String> names;
    try {
      names = deployments.get();
    } catch (RuntimeException e) {
      LOG.warn("monitor scheduler: cannot list deployments: {}", e.getMessage());
      rounds.failed("cannot list deployments: " + e.getMessage());
      return;
    }
    String failure = null;
    for (String d : names) {
      List<MonitorWindow> windows = new ArrayList<>();
      for (long start = range[0]; start < range[1]; start += width) {
        try {
          windows.addAll(monitors.windows(d, start, start + width, windowMinutes));
        } catch (RuntimeException e) {
          LOG.warn("monitor scheduler: deployment {}, window from {}: {}", d, start, e.getMessage());
          failure = "deployment '" + d + "', window from " + start + ": " + e.getMessage();
        }
      }
      try {
        listener.accept(windows);
      } catch (RuntimeException e) {
        LOG.warn("monitor scheduler: deployment {}: {}", d, e.getMessage());
        failure = "deployment '" + d + "': " + e.getMessage();
      }
    }
    if (retentionMs > 0) {
      try {
        monitors.pruneOperations(clock.getAsLong() - retentionMs);
      } catch (RuntimeException e) {
        LOG.warn("monitor scheduler: cannot prune old serving counts and process samples: {}", e.getMessage());
        failure = "cannot prune old serving counts and process samples: " + e.getMessage();
      }
    }
    if (failure == null) {
      rounds.succeeded();
    } else {
      rounds.failed(failure);
    }
    runs.incrementAndGet();
  }

  /** For /health: degraded when the last runs all failed (the database away, a window that cannot be computed). */
  public LoopHealth health() {
    return rounds;
  }

  /** Runs finished so far. */
  public long runs() {
    return runs.get();
  }

  /** Runs every {@code intervalMillis} milliseconds in the background (the first run right away) until closed. */
  public synchronized void start(long intervalMillis) {
    if (intervalMillis < 1) {
      throw CairnException.invalid("monitor interval is " + intervalMillis + " ms; it must be at least 1");
    }
    if (executor != null) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-monitor-scheduler");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(() -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        LOG.warn("monitor scheduler: run failed", e); // a thrown run would cancel every later one
      }
    }, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Stops: a run under way finishes (up to 30 s), no new one starts. */
  @Override
  public void close() {
    ScheduledExecutorService running;
    synchronized (this) {
      running = executor;
      executor = null;
    }
    if (running != null) {
      running.shutdown();
      try {
        if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
          running.shutdownNow();
        }
      } catch (InterruptedException e) {
        running.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
