package dev.cairn.bench;

import dev.cairn.bench.TrackingBench.WrkResult;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.MetadataStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What authentication costs on the hottest write: log-batch with 10 metrics over HTTP, driven by {@code wrk},
 * on two servers in one process (one with authentication off, one with it on), measured in alternating pairs
 * so both see the same machine load. The auth-on server is called with a Bearer token and with Basic user and
 * password (bcrypt, asked again only when the few-second credential cache expires).
 *
 * <p>{@code bench/run AuthBench [seconds per wrk run, default 10] [pairs, default 5] [connections, default 8]}
 */
public final class AuthBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private AuthBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int conns = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Path wrkDir = TrackingBench.locateWrkScripts();
    Path dir = Files.createTempDirectory("cairn-bench-auth");
    System.out.printf(Locale.ROOT, "# AuthBench: log-batch(10), %d connections, %d s per wrk run, %d pairs, %d cores,"
        + " Java %s%n", conns, seconds, pairs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try (CairnServer off = CairnServer.start(config(dir.resolve("off"), false));
        CairnServer on = CairnServer.start(config(dir.resolve("on"), true))) {
      String token = Files.readString(dir.resolve("on/admin-token")).strip();
      String bearer = "Bearer " + token;
      String password = "bench-password-1";
      post(on.url(), "/api/cairn/v1/users/admin/password", "{\"password\":\"" + password + "\"}",
          bearer);
      String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
      String offRuns = runs(off.metadataStore(), conns);
      String onRuns = runs(on.metadataStore(), conns);
      Path script = wrkDir.resolve("log_batch.lua");
      // warm both servers' JIT and caches
      TrackingBench.wrk(off.url(), script, conns, Math.max(3, seconds / 2), Map.of("CAIRN_RUN_IDS", offRuns));
      TrackingBench.wrk(on.url(), script, conns, Math.max(3, seconds / 2),
          Map.of("CAIRN_RUN_IDS", onRuns, "CAIRN_AUTHORIZATION", bearer));
      System.out.println("| pair | auth off req/s | Bearer req/s | Basic (password) req/s | Bearer overhead | Basic overhead"
          + " | p99 off / Bearer / Basic | non-2xx |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      @SuppressWarnings("unchecked")
      List<Double>[] cpuMicros = new List[] {new ArrayList<Double>(), new ArrayList<Double>(), new ArrayList<Double>()};
      List<Double> bearerOverheads = new ArrayList<>();
      List<Double> basicOverheads = new ArrayList<>();
      for (int pair = 1; pair <= pairs; pair++) {
        // odd pairs measure off first, even pairs last, so neither side always runs on a warmer machine
        WrkResult[] r = new WrkResult[3];
        for (int i = 0; i < 3; i++) {
          int which = pair % 2 == 1 ? i : 2 - i;
          long cpuBefore = OS.getProcessCpuTime();
          r[which] = which == 0
              ? TrackingBench.wrk(off.url(), script, conns, seconds, Map.of("CAIRN_RUN_IDS", offRuns))
              : TrackingBench.wrk(on.url(), script, conns, seconds,
                  Map.of("CAIRN_RUN_IDS", onRuns, "CAIRN_AUTHORIZATION", which == 1 ? bearer : basic));
          // the server's CPU per request: wrk runs in its own process, so this is the servers' (and the JVM's) work
          cpuMicros[which].add((OS.getProcessCpuTime() - cpuBefore) / 1000.0 / (r[which].rps() * seconds));
        }
        WrkResult a = r[0];
        WrkResult b = r[1];
        WrkResult c = r[2];
        double bearerOverhead = 100 * (1 - b.rps() / a.rps());
        double basicOverhead = 100 * (1 - c.rps() / a.rps());
        bearerOverheads.add(bearerOverhead);
        basicOverheads.add(basicOverhead);
        System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.1f%% | %.1f%% | %s / %s / %s | %d |%n", pair,
            a.rps(), b.rps(), c.rps(), bearerOverhead, basicOverhead, a.p99(), b.p99(), c.p99(),
            a.non2xx() + b.non2xx() + c.non2xx() + a.socketErrors() + b.socketErrors() + c.socketErrors());
      }
      System.out.printf(Locale.ROOT, "median overhead: Bearer %.1f%%, Basic %.1f%% (target < 5%%)%n",
          median(bearerOverheads), median(basicOverheads));
      double off0 = median(cpuMicros[0]);
      System.out.printf(Locale.ROOT, "median server CPU per request: off %.0f us, Bearer %.0f us (%+.1f%%), Basic %.0f us"
          + " (%+.1f%%)%n", off0, median(cpuMicros[1]), 100 * (median(cpuMicros[1]) / off0 - 1), median(cpuMicros[2]),
          100 * (median(cpuMicros[2]) / off0 - 1));
    }
  }

  private static ServerConfig config(Path dir, boolean auth) {
    return new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts"))
        .withAuth(auth);
  }

  private static String runs(MetadataStore store, int count) {
    String exp = store.createExperiment("auth-bench", null, List.of());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(store.createRun(exp, "bench", System.currentTimeMillis(), "r" + i, List.of()).runId());
    }
    return String.join(",", ids);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** One authenticated JSON POST (setting up the benchmark's user). */
  private static void post(String url, String path, String json, String authorization) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/json").header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
  }
}
