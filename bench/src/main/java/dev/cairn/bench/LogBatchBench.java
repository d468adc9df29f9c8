package dev.cairn.bench;

import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.tracking.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 1,000-point log-batch calls straight into the SQLite store (no HTTP): what the store itself sustains, which
 * bounds what the server can. Each of {@code threads} callers logs to its own run for {@code seconds}, in two
 * shapes: 10 keys x 100 steps per call (a training loop flushing buffered points) and 1,000 distinct keys.
 * Usage: {@code LogBatchBench [seconds] [threads] [keys,...]} (the third argument picks shapes, e.g. {@code 10}).
 * With {@code -Dbench.audit=true} every call is made inside an audit scope, as the server makes it, so each
 * appends its audit event.
 */
public final class LogBatchBench {
  private static final boolean AUDIT = Boolean.getBoolean("bench.audit");

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    System.out.printf(Locale.ROOT, "# LogBatchBench: SQLite store in-process, %d threads, %d s per shape%s%n", threads,
        seconds, AUDIT ? ", audited" : "");
    System.out.println("| keys per 1,000-point call | calls/s | points/s | writer thread CPU per 1,000 points "
        + "| points per writer CPU second | load average |");
    System.out.println("|---|---|---|---|---|---|");
    int[] shapes = args.length > 2
        ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {10, 1000};
    for (int keys : shapes) {
      Path dir = Files.createTempDirectory("cairn-bench-logbatch");
      try (MetadataStore store = MetadataStores.open("sqlite:" + dir.resolve("cairn.db"), "file:" + dir)) {
        run(store, keys, threads, Math.max(2, seconds / 3)); // warm-up
        long cpu0 = writerCpuNanos();
        long points = run(store, keys, threads, seconds);
        double cpuSeconds = (writerCpuNanos() - cpu0) / 1e9;
        System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f ms | %.0f | %s |%n", keys, points / 1000.0 / seconds,
            (double) points / seconds, cpuSeconds * 1e6 / points, points / cpuSeconds, HttpCeilingBench.loadAverage());
      }
    }
  }

  /**
   * CPU time of the SQLite writer thread, which does every write: points per writer CPU second is what the store
   * sustains on a core of its own, a figure the other work on a shared machine disturbs far less than wall time.
   */
  private static long writerCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("cairn-sqlite-writer-")) {
        return mx.getThreadCpuTime(t.getId());
      }
    }
    throw new IllegalStateException("no SQLite writer thread");
  }

  private static long run(MetadataStore store, int keys, int threads, int seconds) throws Exception {
    String exp = store.createExperiment("b" + System.nanoTime(), null, List.of());
    AtomicLong points = new AtomicLong();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          if (AUDIT) {
            dev.cairn.store.audit.AuditScope.enter(new dev.cairn.store.audit.AuditScope("bench", null, "127.0.0.1",
                "POST /api/2.0/mlflow/runs/log-batch"));
          }
          String run = store.createRun(exp, "bench", 1, null, List.of()).runId();
          int steps = 1000 / keys;
          for (long call = 0; System.nanoTime() < deadline; call++) {
            List<Metric> batch = new ArrayList<>(1000);
            for (int s = 0; s < steps; s++) {
              long step = call * steps + s;
              for (int k = 0; k < keys; k++) {
                batch.add(new Metric("m" + k, step * 0.001 + k, 1_700_000_000_000L + step, step));
              }
            }
            store.logBatch(run, batch, List.of(), List.of());
            points.addAndGet(batch.size());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return points.get();
  }
}
