package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The chart endpoint, {@code GET /api/cairn/v1/metrics/downsampled}, over HTTP for one metric of many points
 * (1,000,000 by default, logged as {@link HistoryBench} does), by step and by timestamp, timed with curl.
 * Usage: {@code ChartBench [points] [calls] [chart points]}.
 */
public final class ChartBench {
  public static void main(String[] args) throws Exception {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int chartPoints = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Path dir = Files.createTempDirectory("cairn-bench-chart");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      String runId = HistoryBench.loggedSeries(server.metadataStore(), points);
      System.out.printf(Locale.ROOT, "# ChartBench: %d points to %d, %d calls per axis, load %s%n", points,
          chartPoints, calls, HttpCeilingBench.loadAverage());
      System.out.println("| x | p50 | min | max | bytes | load average after |");
      System.out.println("|---|---|---|---|---|---|");
      for (String axis : new String[] {"step", "timestamp"}) {
        String url = server.url() + "/api/cairn/v1/metrics/downsampled?run_id=" + runId + "&key=loss&points="
            + chartPoints + "&x=" + axis;
        double[] times = new double[calls];
        String bytes = "";
        for (int c = -3; c < calls; c++) { // three warm-up calls
          Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w",
              "%{time_total} %{http_code} %{size_download}", url).start();
          String[] out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
          curl.waitFor();
          if (!out[1].equals("200")) {
            throw new IllegalStateException("downsampled answered " + out[1]);
          }
          if (c >= 0) {
            times[c] = Double.parseDouble(out[0]);
            bytes = out[2];
          }
        }
        Arrays.sort(times);
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %s | %s |%n", axis, 1000 * times[calls / 2],
            1000 * times[0], 1000 * times[calls - 1], bytes, HttpCeilingBench.loadAverage());
      }
    }
  }
}
