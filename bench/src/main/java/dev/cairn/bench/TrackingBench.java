package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Tag;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load figures for the tracking server over HTTP on loopback, driven by {@code wrk} (a Java load generator
 * would measure itself). Usage: {@code TrackingBench [sqlite|postgresql|all] [seconds] [phases]} where phases
 * is a comma list of logbatch,search,history (default all). Needs {@code wrk} on the PATH and the Lua scripts
 * in {@code bench/wrk/}.
 */
public final class TrackingBench {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern PCT = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "sqlite";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> phases = Arrays.asList((args.length > 2 ? args[2] : "logbatch,search,history").split(","));
    Path wrkDir = locateWrkScripts();
    System.out.printf(Locale.ROOT, "# TrackingBench %s, %d s per wrk run, %d cores, %s%n",
        which, seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (which.equals("sqlite") || which.equals("all")) {
      // -Dbench.dir=/path keeps the database between runs, so the 100,000-run search fixture is built once.
      String keep = System.getProperty("bench.dir");
      Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("cairn-bench-sqlite");
      run("sqlite", "sqlite:" + dir.resolve("cairn.db"), dir, seconds, phases, wrkDir);
    }
    if (which.equals("postgresql") || which.equals("all")) {
      try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("max_connections", "200")
          .setServerConfig("synchronous_commit", "on")
          .start()) {
        Path dir = Files.createTempDirectory("cairn-bench-pg");
        String uri = "postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
        run("postgresql", uri, dir, seconds, phases, wrkDir);
      }
    }
  }

  private static void run(String label, String storeUri, Path dir, int seconds, List<String> phases, Path wrkDir)
      throws Exception {
    try (CairnServer server = CairnServer.start(
        new ServerConfig("127.0.0.1", 0, storeUri, "file:" + dir.resolve("artifacts")))) {
      MetadataStore store = server.metadataStore();
      String url = server.url();
      if (phases.contains("logbatch")) {
        logBatch(label, url, store, seconds, wrkDir);
      }
      if (phases.contains("search")) {
        search(label, url, store, seconds, wrkDir);
      }
      if (phases.contains("history")) {
        history(label, url, store);
      }
    }
  }

  private static void logBatch(String label, String url, MetadataStore store, int seconds, Path wrkDir)
      throws Exception {
    String exp = store.createExperiment("logbatch-" + System.nanoTime(), null, List.of());
    List<String> runIds = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      runIds.add(store.createRun(exp, "bench", System.currentTimeMillis(), "r" + i, List.of()).runId());
    }
    // Warm the JIT and the database caches first, so the first configuration is not measured cold.
    wrk(url, wrkDir.resolve("log_batch.lua"), 8, Math.max(3, seconds / 2),
        Map.of("CAIRN_RUN_IDS", String.join(",", runIds.subList(0, 8)), "CAIRN_BATCH", "100"));
    System.out.println("\n## log-batch (" + label + ")");
    System.out.println("| metrics/batch | distinct keys | connections | runs | requests/s | metric points/s | p50 | p99 | non-2xx |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    // 1000-point batches twice: 1000 distinct keys (worst case: one latest-value row per key), and 10 keys
    // x 100 steps (a training loop flushing buffered points, what the SDK's batching logger sends).
    for (int[] shape : new int[][] {{10, 10}, {1000, 1000}, {1000, 10}}) {
      int batch = shape[0];
      int keys = shape[1];
      for (int conns : new int[] {1, 8, 32}) {
        // One run shared by all connections is the contended case; separate runs per connection the common one.
        for (boolean shared : new boolean[] {false, true}) {
          if (conns == 1 && shared) {
            continue;
          }
          String ids = shared ? runIds.get(0) : String.join(",", runIds.subList(0, conns));
          WrkResult r = wrk(url, wrkDir.resolve("log_batch.lua"), conns, seconds,
              Map.of("CAIRN_RUN_IDS", ids, "CAIRN_BATCH", Integer.toString(batch), "CAIRN_KEYS", Integer.toString(keys)));
          System.out.printf(Locale.ROOT, "| %d | %d | %d | %s | %.0f | %.0f | %s | %s | %d |%n", batch, keys, conns,
              shared ? "1 shared" : conns + " separate", r.rps, r.rps * batch, r.p50, r.p99, r.non2xx);
        }
      }
    }
  }

  private static void search(String label, String url, MetadataStore store, int seconds, Path wrkDir)
      throws Exception {
    int runs = Integer.getInteger("bench.runs", 100_000);
    String fixture = "search-fixture-" + runs;
    String exp;
    try {
      exp = store.getExperimentByName(fixture).experimentId();
      System.out.println("  reusing " + fixture + " (experiment " + exp + ")");
      runs = 0;
    } catch (dev.cairn.core.CairnException missing) {
      exp = store.createExperiment(fixture, null, List.of());
    }
    int total = Integer.getInteger("bench.runs", 100_000);
    long t0 = System.nanoTime();
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < runs; i++) {
      String runId = store.createRun(exp, "bench", 1_700_000_000_000L + i, "run-" + i, List.of()).runId();
      List<Metric> metrics = new ArrayList<>(20);
      for (int m = 0; m < 20; m++) {
        metrics.add(new Metric("m" + m, random.nextDouble(), 1_700_000_000_000L + i, 0));
      }
      List<Param> params = new ArrayList<>(10);
      for (int p = 0; p < 10; p++) {
        params.add(new Param("p" + p, p == 0 ? (i % 2 == 0 ? "tree" : "linear") : Integer.toString(random.nextInt(100))));
      }
      store.logBatch(runId, metrics, params, List.of(new Tag("team", i % 10 == 0 ? "vision" : "nlp")));
      if ((i + 1) % 20_000 == 0) {
        System.out.printf(Locale.ROOT, "  populated %d runs (%.0f s)%n", i + 1, (System.nanoTime() - t0) / 1e9);
      }
    }
    System.out.println("\n## search-runs over " + total + " runs x 20 metrics x 10 params (" + label + "), 2 connections");
    System.out.println("| query | requests/s | p50 | p90 | p99 |");
    System.out.println("|---|---|---|---|---|");
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    queries.put("metric filter", "{\"experiment_ids\":[\"" + exp + "\"],\"filter\":\"metrics.m1 > 0.999\",\"max_results\":100}");
    queries.put("OR filter", "{\"experiment_ids\":[\"" + exp + "\"],\"filter\":\"metrics.m1 > 0.9995 OR params.p1 = '7' AND tags.team = 'vision'\",\"max_results\":100}");
    queries.put("order_by metric", "{\"experiment_ids\":[\"" + exp + "\"],\"filter\":\"params.p0 = 'tree'\",\"order_by\":[\"metrics.m2 DESC\"],\"max_results\":100}");
    queries.put("no filter, page of 100", "{\"experiment_ids\":[\"" + exp + "\"],\"max_results\":100}");
    for (Map.Entry<String, String> q : queries.entrySet()) {
      WrkResult r = wrk(url, wrkDir.resolve("search_runs.lua"), 2, seconds, Map.of("CAIRN_SEARCH_BODY", q.getValue()));
      System.out.printf(Locale.ROOT, "| %s | %.1f | %s | %s | %s |%n", q.getKey(), r.rps, r.p50, r.p90, r.p99);
      if (r.non2xx > 0) {
        System.out.println("  !! non-2xx responses: " + r.non2xx);
      }
    }
  }

  private static void history(String label, String url, MetadataStore store) throws Exception {
    int points = Integer.getInteger("bench.historyPoints", 1_000_000);
    String runId = HistoryBench.loggedSeries(store, points);
    HttpClient http = HttpClient.newHttpClient();
    // no max_results: the whole series in one answer (pages are at most 25,000 points); see also HistoryBench
    String path = url + "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=loss";
    System.out.println("\n## get-history of one metric with " + points + " points (" + label + "), one client");
    System.out.println("| attempt | seconds over HTTP (Java client) | seconds (curl to /dev/null) | points returned | bytes | seconds in the store alone |");
    System.out.println("|---|---|---|---|---|---|");
    for (int attempt = 1; attempt <= 5; attempt++) {
      long s0 = System.nanoTime();
      int[] counted = {0};
      store.visitMetricHistory(runId, "loss", 0, null, m -> counted[0]++);
      int inStore = counted[0];
      double storeSecs = (System.nanoTime() - s0) / 1e9;
      long t0 = System.nanoTime();
      HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(URI.create(path)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      double secs = (System.nanoTime() - t0) / 1e9;
      String body = new String(resp.body(), StandardCharsets.UTF_8);
      int count = 0;
      for (int i = body.indexOf("\"key\""); i >= 0; i = body.indexOf("\"key\"", i + 1)) {
        count++;
      }
      Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", path).start();
      String curlSecs = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      curl.waitFor();
      System.out.printf(Locale.ROOT, "| %d | %.3f | %s | %d | %d | %.3f (%d points) |%n", attempt, secs, curlSecs,
          count, resp.body().length, storeSecs, inStore);
      if (resp.statusCode() != 200) {
        System.out.println("  !! HTTP " + resp.statusCode() + ": " + body.substring(0, Math.min(300, body.length())));
      }
    }
  }

  /** One wrk run's figures; {@code socketErrors} (connect, read, write, timeout) count as failures like non-2xx. */
  record WrkResult(double rps, String p50, String p90, String p99, long non2xx, long socketErrors) {}

  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  /** Runs wrk with 2 threads (fewer for fewer connections); {@code script} null for plain GETs of {@code url}. */
  static WrkResult wrk(String url, Path script, int conns, int seconds, Map<String, String> env)
      throws IOException, InterruptedException {
    int threads = Math.min(conns, 2);
    List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + conns, "-d" + seconds + "s",
        "--latency"));
    if (script != null) {
      command.addAll(List.of("-s", script.toString()));
    }
    command.add(url);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = RPS.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("wrk printed no Requests/sec:\n" + out);
    }
    double rps = Double.parseDouble(m.group(1));
    Map<String, String> pct = new java.util.HashMap<>();
    Matcher pm = PCT.matcher(out);
    while (pm.find()) {
      pct.put(pm.group(1), pm.group(2) + " " + pm.group(3));
    }
    Matcher nm = NON2XX.matcher(out);
    long non2xx = nm.find() ? Long.parseLong(nm.group(1)) : 0;
    Matcher se = SOCKET_ERRORS.matcher(out);
    long socketErrors = 0;
    if (se.find()) {
      for (int g = 1; g <= 4; g++) {
        socketErrors += Long.parseLong(se.group(g));
      }
    }
    return new WrkResult(rps, pct.getOrDefault("50", "?"), pct.getOrDefault("90", "?"), pct.getOrDefault("99", "?"),
        non2xx, socketErrors);
  }

  static Path locateWrkScripts() {
    for (Path p : List.of(Path.of("bench/wrk"), Path.of("wrk"), Path.of("../bench/wrk"))) {
      if (Files.isRegularFile(p.resolve("log_batch.lua"))) {
        return p.toAbsolutePath();
      }
    }
    throw new IllegalStateException("cannot find bench/wrk/log_batch.lua; run from the repository root");
  }
}
