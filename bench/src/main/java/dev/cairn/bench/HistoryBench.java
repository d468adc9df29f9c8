package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * get-history of one metric with many points (1,000,000 by default) over HTTP, the whole series in one answer
 * (no max_results, as MLflow's clients ask). Run it with a small heap ({@code BENCH_JAVA_OPTS=-Xmx256m}): the
 * server shares the JVM, so the heap cap bounds what answering may hold. Timed with curl (body to /dev/null) and
 * with a Java client that counts the bytes as they arrive; prints the peak heap use after the calls.
 * Usage: {@code HistoryBench [points] [calls]}.
 */
public final class HistoryBench {
  /** A new run holding one metric, "loss", of {@code points} points logged in 1,000-point batches; its id. */
  static String loggedSeries(MetadataStore store, int points) {
    String exp = store.createExperiment("history-" + System.nanoTime(), null, List.of());
    String runId = store.createRun(exp, "bench", System.currentTimeMillis(), "history", List.of()).runId();
    for (int b = 0; b < points / 1000; b++) {
      List<Metric> batch = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        long step = (long) b * 1000 + i;
        batch.add(new Metric("loss", 1.0 / (step + 1), 1_700_000_000_000L + step, step));
      }
      store.logBatch(runId, batch, List.of(), List.of());
    }
    return runId;
  }

  public static void main(String[] args) throws Exception {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path dir = Files.createTempDirectory("cairn-bench-history");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      MetadataStore store = server.metadataStore();
      String runId = loggedSeries(store, points);
      String url = server.url() + "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=loss";
      HttpClient http = HttpClient.newHttpClient();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      System.out.printf(Locale.ROOT, "# HistoryBench: %d points, max heap %d MiB, load %s%n", points,
          Runtime.getRuntime().maxMemory() >> 20, HttpCeilingBench.loadAverage());
      System.out.println("| call | curl total (s) | Java client (s) | bytes | points | load average |");
      System.out.println("|---|---|---|---|---|---|");
      double[] curlTimes = new double[calls];
      double[] javaTimes = new double[calls];
      for (int c = -1; c < calls; c++) { // call -1 warms up
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{http_code}", url).start();
        String[] out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
        curl.waitFor();
        if (!out[1].equals("200")) {
          throw new IllegalStateException("get-history answered " + out[1]);
        }
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        long keys = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = r.body()) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            bytes += n;
            for (int i = 0; i < n; i++) {
              if (buffer[i] == '{') {
                keys++;
              }
            }
          }
        }
        double java = (System.nanoTime() - t0) / 1e9;
        if (c >= 0) {
          curlTimes[c] = Double.parseDouble(out[0]);
          javaTimes[c] = java;
          System.out.printf(Locale.ROOT, "| %d | %.3f | %.3f | %d | %d | %s |%n", c + 1, curlTimes[c], java, bytes,
              keys - 1, HttpCeilingBench.loadAverage());
        }
      }
      Arrays.sort(curlTimes);
      Arrays.sort(javaTimes);
      long peakHeap = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peakHeap += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(Locale.ROOT, "median: curl %.3f s, Java client %.3f s; peak heap in use during the calls %d MiB%n",
          curlTimes[calls / 2], javaTimes[calls / 2], peakHeap >> 20);
    }
  }
}
