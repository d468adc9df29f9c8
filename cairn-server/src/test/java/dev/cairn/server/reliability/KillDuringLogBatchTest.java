package dev.cairn.server.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in a child JVM is killed with SIGKILL while clients stream log-batch calls. After a restart on the
 * same files, every batch that got a 200 must be there whole, and no batch may be there in part.
 */
class KillDuringLogBatchTest {
  private static final int WRITERS = 4;
  private static final int METRICS_PER_BATCH = 10;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void everyAcknowledgedBatchSurvivesSigkillAndNoBatchIsHalfWritten() throws Exception {
    String store = "sqlite:" + dir.resolve("cairn.db");
    String artifacts = "file:" + dir.resolve("artifacts");

    Process first = startChild(store, artifacts);
    String runId;
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> attempted = ConcurrentHashMap.newKeySet();
    try {
      String base = "http://127.0.0.1:" + readPort(first);
      JsonNode exp = post(base, "experiments/create", Map.of("name", "kill-test"));
      JsonNode run = post(base, "runs/create", Map.of("experiment_id", exp.get("experiment_id").asText()));
      runId = run.get("run").get("info").get("run_id").asText();

      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch enoughAcked = new CountDownLatch(200);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            String batch = writer + "_" + i;
            attempted.add(batch);
            try {
              HttpResponse<String> resp = postRaw(base, "runs/log-batch", batchBody(runId, writer, i));
              if (resp.statusCode() == 200) {
                acknowledged.add(batch);
                enoughAcked.countDown();
              }
            } catch (Exception e) {
              return; // the server died under us: expected
            }
          }
        }, "writer-" + w);
        t.start();
        writers.add(t);
      }
      assertThat(enoughAcked.await(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      first.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
      first.waitFor();
      stop.set(true);
      for (Thread t : writers) {
        t.join();
      }
    } finally {
      first.destroyForcibly();
    }

    Process second = startChild(store, artifacts);
    try {
      String base = "http://127.0.0.1:" + readPort(second);
      Map<String, Integer> keysPerBatch = new HashMap<>();
      for (int m = 0; m < METRICS_PER_BATCH; m++) {
        JsonNode history = get(base, "metrics/get-history?run_id=" + runId + "&metric_key=m" + m);
        Set<Long> steps = new HashSet<>();
        for (JsonNode point : history.path("metrics")) {
          steps.add(point.get("step").asLong());
        }
        for (long step : steps) {
          keysPerBatch.merge((step / 1_000_000) + "_" + (step % 1_000_000), 1, Integer::sum);
        }
      }
      Set<String> params = new HashSet<>();
      JsonNode runAfter = get(base, "runs/get?run_id=" + runId).get("run");
      for (JsonNode p : runAfter.path("data").path("params")) {
        params.add(p.get("key").asText().substring("b".length()));
      }

      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);
      for (String batch : acknowledged) {
        assertThat(keysPerBatch.get(batch)).as("acknowledged batch %s metrics", batch).isEqualTo(METRICS_PER_BATCH);
        assertThat(params).as("acknowledged batch %s param", batch).contains(batch);
      }
      for (Map.Entry<String, Integer> e : keysPerBatch.entrySet()) {
        assertThat(e.getValue()).as("batch %s is whole", e.getKey()).isEqualTo(METRICS_PER_BATCH);
        assertThat(params).as("batch %s has its param with its metrics", e.getKey()).contains(e.getKey());
        assertThat(attempted).contains(e.getKey());
      }
      assertThat(params).allSatisfy(b -> assertThat(keysPerBatch).containsKey(b));
    } finally {
      second.destroyForcibly();
      second.waitFor();
    }
  }

  private static String batchBody(String runId, int writer, int i) {
    long step = writer * 1_000_000L + i;
    StringBuilder sb = new StringBuilder("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
    for (int m = 0; m < METRICS_PER_BATCH; m++) {
      if (m > 0) {
        sb.append(',');
      }
      sb.append("{\"key\":\"m").append(m).append("\",\"value\":").append(i).append(".25,\"timestamp\":")
          .append(1_700_000_000_000L + i).append(",\"step\":").append(step).append('}');
    }
    sb.append("],\"params\":[{\"key\":\"b").append(writer).append('_').append(i).append("\",\"value\":\"x\"}]}");
    return sb.toString();
  }

  private Process startChild(String store, String artifacts) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        ChildServerMain.class.getName(), store, artifacts)
        .redirectErrorStream(true);
    return pb.start();
  }

  private static int readPort(Process p) throws Exception {
    BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      if (line.startsWith("PORT=")) {
        Thread drain = new Thread(() -> {
          try {
            reader.transferTo(java.io.Writer.nullWriter());
          } catch (Exception ignored) {
            // the child is gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(line.substring(5).trim());
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("child server exited before printing its port:\n" + seen);
  }

  private JsonNode post(String base, String route, Object body) throws Exception {
    HttpResponse<String> resp = postRaw(base, route, Json.write(body));
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return Json.MAPPER.readTree(resp.body());
  }

  private HttpResponse<String> postRaw(String base, String route, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow/" + route))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String base, String routeAndQuery) throws Exception {
    HttpResponse<String> resp = http.send(
        HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow/" + routeAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return Json.MAPPER.readTree(resp.body());
  }
}
