package dev.cairn.bench;

import dev.cairn.core.CairnException;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Tag;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * search-runs over HTTP at 100,000 runs, the shape of REPRODUCTIONS.md: each run has metric_0..metric_19 (uniform
 * 0-1), param_0..param_9 (digits 0-9) and tag team (red/blue). The fixture is written through the store (the data
 * is the same as over HTTP, and 100,000 runs load in a minute instead of many); every query is then timed from
 * a Java client over HTTP, one call at a time, {@code calls} calls per query after 3 unmeasured ones.
 * Usage: {@code SearchBench [runs] [calls]}; {@code -Dbench.dir=DIR} keeps the database for the next run.
 */
public final class SearchBench {
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path dir = benchDir("cairn-bench-search");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      String exp = fixture(server.metadataStore(), runs);
      Map<String, String> queries = new LinkedHashMap<>();
      queries.put("metrics.metric_3 > 0.9, order by metrics.metric_5 DESC", body(exp, "metrics.metric_3 > 0.9", "metrics.metric_5 DESC"));
      queries.put("metrics.metric_3 > 0.5, order by metrics.metric_5 DESC", body(exp, "metrics.metric_3 > 0.5", "metrics.metric_5 DESC"));
      queries.put("tags.team = 'red', order by metrics.metric_5 DESC", body(exp, "tags.team = 'red'", "metrics.metric_5 DESC"));
      queries.put("no filter, order by params.param_4 ASC", body(exp, null, "params.param_4 ASC"));
      queries.put("params.param_1 = '3', order by metrics.metric_2 ASC", body(exp, "params.param_1 = '3'", "metrics.metric_2 ASC"));
      queries.put("metrics.metric_3 > 0.999 (no order)", body(exp, "metrics.metric_3 > 0.999", null));
      queries.put("no filter, no order", body(exp, null, null));
      HttpClient http = HttpClient.newHttpClient();
      System.out.printf(Locale.ROOT, "# SearchBench: %d runs, max_results 100, %d calls per query, load %s%n", runs,
          calls, HttpCeilingBench.loadAverage());
      System.out.println("| query | p50 | p90 | max | runs returned | store CPU p50 | load average |");
      System.out.println("|---|---|---|---|---|---|---|");
      for (Map.Entry<String, String> q : queries.entrySet()) {
        double[] ms = new double[calls];
        int returned = 0;
        for (int i = -3; i < calls; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/runs/search"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(q.getValue())).build(), HttpResponse.BodyHandlers.ofString());
          double elapsed = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != 200) {
            throw new IllegalStateException(q.getKey() + " -> " + r.statusCode() + " " + r.body());
          }
          if (i >= 0) {
            ms[i] = elapsed;
            returned = dev.cairn.core.Json.MAPPER.readTree(r.body()).path("runs").size();
          }
        }
        Arrays.sort(ms);
        double cpu = storeCpuMillis(server.metadataStore(), q.getValue(), calls);
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %d | %.1f ms | %s |%n", q.getKey(),
            ms[calls / 2], ms[(int) (calls * 0.9)], ms[calls - 1], returned, cpu, HttpCeilingBench.loadAverage());
      }
    }
  }

  /**
   * The median CPU time of the same search called on the store in-process: SQLite runs on the calling thread,
   * so this is the query's own cost, much less disturbed by other work on the machine than the wall time.
   */
  private static double storeCpuMillis(MetadataStore store, String body, int calls) throws Exception {
    com.fasterxml.jackson.databind.JsonNode q = dev.cairn.core.Json.MAPPER.readTree(body);
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    List<String> order = q.has("order_by") ? List.of(q.get("order_by").get(0).asText()) : List.of();
    String filter = q.has("filter") ? q.get("filter").asText() : null;
    double[] ms = new double[calls];
    for (int i = -3; i < calls; i++) {
      long t0 = threads.getCurrentThreadCpuTime();
      store.searchRuns(List.of(q.get("experiment_ids").get(0).asText()), filter, dev.cairn.tracking.ViewType.ACTIVE_ONLY,
          100, order, null);
      if (i >= 0) {
        ms[i] = (threads.getCurrentThreadCpuTime() - t0) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms[calls / 2];
  }

  private static String body(String exp, String filter, String orderBy) {
    StringBuilder b = new StringBuilder("{\"experiment_ids\":[\"").append(exp).append("\"],\"max_results\":100");
    if (filter != null) {
      b.append(",\"filter\":\"").append(filter).append('"');
    }
    if (orderBy != null) {
      b.append(",\"order_by\":[\"").append(orderBy).append("\"]");
    }
    return b.append('}').toString();
  }

  /** The bench's folder: {@code -Dbench.dir=DIR} keeps the database for the next run, else a new temporary one. */
  static Path benchDir(String prefix) throws java.io.IOException {
    String keep = System.getProperty("bench.dir");
    return keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory(prefix);
  }

  /** The experiment holding {@code runs} runs of the fixture; made once per database. */
  static String fixture(MetadataStore store, int runs) {
    String name = "search-" + runs;
    try {
      return store.getExperimentByName(name).experimentId();
    } catch (CairnException missing) {
      // made below
    }
    String exp = store.createExperiment(name, null, List.of());
    long t0 = System.nanoTime();
    int threads = 8; // parallel callers share the SQLite writer's group commits
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        Random random = new Random(7 + thread);
        for (int i = thread; i < runs; i += threads) {
          String runId = store.createRun(exp, "bench", 1_700_000_000_000L + i, "run-" + i, List.of()).runId();
          List<Metric> metrics = new ArrayList<>(20);
          for (int m = 0; m < 20; m++) {
            metrics.add(new Metric("metric_" + m, random.nextDouble(), 1_700_000_000_000L + i, 0));
          }
          List<Param> params = new ArrayList<>(10);
          for (int p = 0; p < 10; p++) {
            params.add(new Param("param_" + p, Integer.toString(random.nextInt(10))));
          }
          store.logBatch(runId, metrics, params, List.of(new Tag("team", random.nextBoolean() ? "red" : "blue")));
          if (done.incrementAndGet() % 20_000 == 0) {
            System.out.printf(Locale.ROOT, "  fixture: %d runs (%.0f s)%n", done.get(), (System.nanoTime() - t0) / 1e9);
          }
        }
        return null;
      }));
    }
    try {
      for (java.util.concurrent.Future<?> f : futures) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("building the fixture failed", e);
    } finally {
      pool.shutdown();
    }
    return exp;
  }
}
