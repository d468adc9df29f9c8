package dev.cairn.store.sql;

import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.tracking.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Throughput of log-batch on SQLite at the store level; run by hand (main), not part of the suite. */
public final class SqliteThroughputProbe {
  private static int keys;

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    keys = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Path dir = Files.createTempDirectory("cairn-probe");
    try (MetadataStore store = MetadataStores.open("sqlite:" + dir.resolve("p.db"), "file:///tmp/a")) {
      for (int size : new int[] {10, 1000}) {
        int callsPerThread = size == 10 ? 4000 : 100;
        run(store, threads, size, callsPerThread / 4); // warm-up
        long w0 = writerCpuNanos();
        long t0 = System.nanoTime();
        run(store, threads, size, callsPerThread);
        double s = (System.nanoTime() - t0) / 1e9;
        double writerCpu = (writerCpuNanos() - w0) / 1e9;
        long calls = (long) threads * callsPerThread;
        System.out.printf("keys<=%d batch=%d threads=%d: %.0f calls/s, %.0f points/s wall; writer thread CPU %.1f us/call"
            + " (ceiling %.0f calls/s, %.0f points/s)%n", keys, size, threads, calls / s, calls * size / s,
            writerCpu * 1e6 / calls, calls / writerCpu, calls * size / writerCpu);
      }
    }
  }

  private static long writerCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (java.lang.management.ThreadInfo info : mx.dumpAllThreads(false, false)) {
      if (info.getThreadName().startsWith("cairn-sqlite-writer")) {
        total += mx.getThreadCpuTime(info.getThreadId());
      }
    }
    return total;
  }

  private static void run(MetadataStore store, int threads, int size, int calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String run = store.createRun("0", "u", 1, null, List.of()).runId();
      fs.add(pool.submit(() -> {
        for (int c = 0; c < calls; c++) {
          List<Metric> ms = new ArrayList<>(size);
          for (int k = 0; k < size; k++) {
            // at most KEYS distinct keys per batch; the rest of the batch is further steps of those keys
            int key = k % keys;
            ms.add(new Metric("metric_" + key, c * 0.5, System.currentTimeMillis(), (long) c * size + k));
          }
          store.logBatch(run, ms, null, null);
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }
}
