package dev.cairn.bench;

import dev.cairn.audit.AuditVerification;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Verifying the audit chain: appends {@code events} events to a fresh SQLite database (the fast path: batches of
 * 50,000 in one transaction each, through the same chain code every write uses), then times
 * {@link AuditLog#verify()} over all of them, {@code repeats} times. Run with a small heap
 * ({@code BENCH_JAVA_OPTS=-Xmx256m}) to see that verification streams. Usage:
 * {@code AuditVerifyBench [events] [repeats]}; {@code -Dbench.dir=PATH} keeps the database there (reused if it
 * already holds the events).
 */
public final class AuditVerifyBench {
  private static final int BATCH = 50_000;

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String dirProperty = System.getProperty("bench.dir");
    Path dir = dirProperty != null ? Files.createDirectories(Path.of(dirProperty))
        : Files.createTempDirectory("cairn-bench-audit");
    try (SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of())) {
      AuditLog log = new AuditLog(db);
      long have = log.size();
      if (have < events) {
        long t0 = System.nanoTime();
        for (long i = have; i < events; ) {
          int n = (int) Math.min(BATCH, events - i);
          List<AuditLog.Entry> batch = new ArrayList<>(n);
          for (int k = 0; k < n; k++, i++) {
            batch.add(entry(i));
          }
          log.appendAll(batch);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "appended %,d events in %.1f s (%,.0f events/s)%n", events - have, s,
            (events - have) / s);
      }
      System.out.printf(Locale.ROOT, "# AuditVerifyBench: SQLite, %,d events, max heap %d MiB, load %s%n",
          log.size(), Runtime.getRuntime().maxMemory() >> 20, HttpCeilingBench.loadAverage());
      System.gc();
      java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
          .forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage); // the appending is not measured
      List<Double> seconds = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        AuditVerification v = log.verify();
        double s = (System.nanoTime() - t0) / 1e9;
        seconds.add(s);
        if (!v.ok()) {
          throw new IllegalStateException("verification failed: " + v);
        }
        System.out.printf(Locale.ROOT, "verify %d: %.2f s, %,d events (%,.0f events/s)%n", r + 1, s, v.checked(),
            v.checked() / s);
      }
      List<Double> sorted = new ArrayList<>(seconds);
      sorted.sort(null);
      System.out.printf(Locale.ROOT, "median %.2f s; peak heap used while verifying %d MiB (sum of the pools' peaks)%n", sorted.get(sorted.size() / 2),
          peakHeapMiB());
    }
  }

  /** An event shaped like a log-batch's: a run target, a small after-summary, a request id. */
  private static AuditLog.Entry entry(long i) {
    String run = String.format(Locale.ROOT, "%032x", i / 100);
    return new AuditLog.Entry(1_790_000_000_000L + i, "user" + (i % 17), "POST /api/2.0/mlflow/runs/log-batch",
        "run:" + run, null, "{\"metrics\":1000,\"params\":0,\"tags\":0}", String.format(Locale.ROOT, "%032x", i),
        "10.0.0." + (i % 200));
  }

  private static long peakHeapMiB() {
    long peak = 0;
    for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
