package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction of "a single server answers 500 SQLITE_BUSY under steady write load": a real server on the
 * embedded SQLite store, eight client threads each looping runs/create then runs/log-batch (20 metrics, 10 params,
 * 1 tag) over HTTP. Every answer must be 2xx, and every run and metric the server acknowledged must be there at the
 * end. The duration is {@code -Dcairn.soak.seconds} (120 by default; the bench harness runs it longer).
 */
class BusyDatabaseSoakTest {
  private static final int CLIENTS = 8;
  private static final int METRICS = 20;
  private static final int PARAMS = 10;

  @TempDir Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.HOURS) // the run's own length is set by the property; this only stops a hang
  void steadyCreateAndLogBatchLoadNeverGetsABusyDatabaseError() throws Exception {
    long seconds = Long.getLong("cairn.soak.seconds", 120);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try (TestServer server = TestServer.start(dir)) {
      String experimentId = server.createExperiment("soak");
      String base = server.url("/api/2.0/mlflow/");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      Map<String, Integer> acknowledged = new ConcurrentHashMap<>(); // run id -> 1 once its batch got a 2xx
      Queue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicLong calls = new AtomicLong();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        done.add(clients.submit(() -> {
          for (int i = 0; System.nanoTime() < deadline && failures.size() < 20; i++) {
            HttpResponse<String> created = post(http, base + "runs/create",
                "{\"experiment_id\":\"" + experimentId + "\",\"start_time\":" + System.currentTimeMillis() + "}",
                failures);
            calls.incrementAndGet();
            if (created == null) {
              continue;
            }
            String runId = Json.MAPPER.readTree(created.body()).at("/run/info/run_id").asText();
            acknowledged.put(runId, 0);
            HttpResponse<String> logged = post(http, base + "runs/log-batch", batch(runId, client, i), failures);
            calls.incrementAndGet();
            if (logged != null) {
              acknowledged.put(runId, 1);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(seconds + 600, TimeUnit.SECONDS);
      }
      clients.shutdownNow();

      assertThat(failures).as("answers that were not 2xx, of %d calls", calls.get()).isEmpty();
      assertThat(acknowledged).isNotEmpty();
      // one pass over each table instead of a read per run: tens of thousands of runs are checked in seconds
      Map<String, Long> metricsPerRun = countPerRun(dir, "metric_points JOIN metric_series USING (series_id)");
      Map<String, Long> latestPerRun = countPerRun(dir, "latest_metrics");
      Map<String, Long> paramsPerRun = countPerRun(dir, "params");
      Map<String, Long> runs = countPerRun(dir, "runs");
      for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
        String run = e.getKey();
        assertThat(runs).as("acknowledged run %s", run).containsKey(run);
        if (e.getValue() == 1) {
          assertThat(metricsPerRun.get(run)).as("metric points of run %s", run).isEqualTo((long) METRICS);
          assertThat(latestPerRun.get(run)).as("latest metrics of run %s", run).isEqualTo((long) METRICS);
          assertThat(paramsPerRun.get(run)).as("params of run %s", run).isEqualTo((long) PARAMS);
        }
      }
      System.out.printf("soak: %d s, %d calls, %d runs acknowledged, 0 failures%n", seconds, calls.get(),
          acknowledged.size());
    }
  }

  /** Rows per run id of a table or join, read from the file the server writes (WAL: readers never block it). */
  private static Map<String, Long> countPerRun(Path dir, String table) throws java.sql.SQLException {
    Map<String, Long> out = new java.util.HashMap<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
        java.sql.ResultSet rs = c.createStatement().executeQuery(
            "SELECT run_id, COUNT(*) FROM " + table + " GROUP BY run_id")) {
      while (rs.next()) {
        out.put(rs.getString(1).trim(), rs.getLong(2));
      }
    }
    return out;
  }

  private static String batch(String runId, int client, int i) {
    String metrics = java.util.stream.IntStream.range(0, METRICS)
        .mapToObj(k -> "{\"key\":\"metric_" + k + "\",\"value\":" + (k * 0.5 + i) + ",\"timestamp\":"
            + System.currentTimeMillis() + ",\"step\":" + i + "}")
        .collect(Collectors.joining(","));
    String params = java.util.stream.IntStream.range(0, PARAMS)
        .mapToObj(k -> "{\"key\":\"param_" + k + "\",\"value\":\"" + (i + k) % 10 + "\"}")
        .collect(Collectors.joining(","));
    return "{\"run_id\":\"" + runId + "\",\"metrics\":[" + metrics + "],\"params\":[" + params
        + "],\"tags\":[{\"key\":\"client\",\"value\":\"" + client + "\"}]}";
  }

  /** The answer if it is 2xx; otherwise records the failure (status and body, or the I/O error) and returns null. */
  private static HttpResponse<String> post(HttpClient http, String url, String json, Queue<String> failures) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
              .timeout(Duration.ofSeconds(120))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        failures.add(url + " -> " + r.statusCode() + " " + r.body());
        return null;
      }
      return r;
    } catch (Exception e) {
      failures.add(url + " -> " + e);
      return null;
    }
  }
}
