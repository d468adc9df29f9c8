package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Alias resolution over REST with wrk (issue 7's target: at least 10,000 requests/s with p99 under 5 ms): an
 * in-process server on the embedded stores holding {@code models} registered models of 10 versions each, alias
 * {@code champion} on every model's newest version; wrk {@code -t2 -c16} GETs Cairn's resolver
 * ({@code /api/cairn/v1/models/resolve?uri=models:/NAME@champion}) and MLflow's get-by-alias for one model.
 * Usage: {@code AliasResolveBench [models] [seconds per run] [runs] [connections, default 16]}. The load average
 * is printed with each run.
 */
public final class AliasResolveBench {
  public static void main(String[] args) throws Exception {
    int models = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int connections = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    Path dir = Files.createTempDirectory("cairn-bench-alias");
    System.out.printf(Locale.ROOT, "# AliasResolveBench: %d models x 10 versions, wrk -t2 -c16, %d s per run, %d cores,"
        + " Java %s%n", models, seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      HttpClient http = HttpClient.newHttpClient();
      for (int m = 0; m < models; m++) {
        String name = String.format(Locale.ROOT, "model-%04d", m);
        post(http, server.url() + "/api/2.0/mlflow/registered-models/create", "{\"name\":\"" + name + "\"}");
        for (int v = 1; v <= 10; v++) {
          post(http, server.url() + "/api/2.0/mlflow/model-versions/create",
              "{\"name\":\"" + name + "\",\"source\":\"s3://bucket/" + name + "/" + v + "\"}");
        }
        post(http, server.url() + "/api/2.0/mlflow/registered-models/alias",
            "{\"name\":\"" + name + "\",\"alias\":\"champion\",\"version\":\"10\"}");
      }
      String target = String.format(Locale.ROOT, "model-%04d", models / 2);
      Map<String, String> urls = new LinkedHashMap<>();
      urls.put("cairn resolve models:/NAME@champion", server.url() + "/api/cairn/v1/models/resolve?uri="
          + URLEncoder.encode("models:/" + target + "@champion", StandardCharsets.UTF_8));
      urls.put("mlflow registered-models/alias", server.url() + "/api/2.0/mlflow/registered-models/alias?name="
          + target + "&alias=champion");
      for (String url : urls.values()) { // warm the JIT before anything is measured
        TrackingBench.wrk(url, null, connections, Math.max(3, seconds / 2), Map.of());
      }
      System.out.println("| route | run | requests/s | p50 | p99 | non-2xx | socket errors | load average (1 min) |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (int run = 1; run <= runs; run++) {
        for (Map.Entry<String, String> e : urls.entrySet()) {
          String load = HttpCeilingBench.loadAverage();
          TrackingBench.WrkResult r = TrackingBench.wrk(e.getValue(), null, connections, seconds, Map.of());
          System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %s | %s | %d | %d | %s -> %s |%n", e.getKey(), run, r.rps(),
              r.p50(), r.p99(), r.non2xx(), r.socketErrors(), load, HttpCeilingBench.loadAverage());
        }
      }
    }
  }

  private static void post(HttpClient http, String url, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body());
    }
  }
}
