package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's per-request ceiling: wrk with 2 threads and 16 connections on trivial routes ({@code /health},
 * {@code /version}) of an in-process server on the embedded stores. Usage:
 * {@code HttpCeilingBench [seconds per run] [runs]}. Socket errors count as failures, like non-2xx answers.
 * The load average is printed with each run: the machine is shared, and a figure means little without it.
 */
public final class HttpCeilingBench {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("cairn-bench-ceiling");
    System.out.printf(Locale.ROOT, "# HttpCeilingBench: wrk -t2 -c16, %d s per run, %d cores, Java %s%n", seconds,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      List<String> routes = List.of("/health", "/version");
      for (String route : routes) { // warm the JIT before anything is measured
        TrackingBench.wrk(server.url() + route, null, 16, Math.max(3, seconds / 2), Map.of());
      }
      System.out.println("| route | run | requests/s | p50 | p99 | non-2xx | socket errors | load average (1 min) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (int run = 1; run <= runs; run++) {
        for (String route : routes) {
          String load = loadAverage();
          TrackingBench.WrkResult r = TrackingBench.wrk(server.url() + route, null, 16, seconds, Map.of());
          System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %s | %s | %d | %d | %s -> %s |%n", route, run, r.rps(),
              r.p50(), r.p99(), r.non2xx(), r.socketErrors(), load, loadAverage());
        }
      }
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
