package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Task;
import dev.cairn.server.deployments.ServingSettings;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving figures of a real server: answered and failed inference requests (real bad requests) counted per
 * deployment and version on /metrics and in monitor windows (errors, error rate), process samples, PSI, windows of N
 * predictions, and a clean stop of the background work.
 */
class ServingMonitoringTest {
  static final String REPLICA = "replica-under-test";
  @TempDir static Path dir;
  static TestServer server;
  static List<InputField> schema;
  static int version;
  static int shadowVersion;
  static long from;

  @BeforeAll
  static void start() {
    from = System.currentTimeMillis() - 1000;
    Path bundle = TestBundles.write(dir.resolve("b1"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of(),
        true);
    try (LoadedModel m = ModelRuntime.defaults().load(bundle)) {
      schema = m.inputSchema();
    }
    server = TestServer.wrap(CairnServer.startWith(new CairnServer.ServerConfig("127.0.0.1", 0,
        "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts")), List.of(),
        new ServingSettings(1.0, 1000, 1, 1, REPLICA)), dir);
    String experiment = server.createExperiment("monitoring");
    ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}"));
    version = publish(experiment, bundle);
    shadowVersion = publish(experiment, bundle);
    ok(server.post("/api/cairn/v1/deployments", "{\"name\":\"watched\",\"routes\":[{\"target\":\"churn/" + version
        + "\",\"weight\":100}],\"shadows\":[\"churn/" + shadowVersion + "\"]}"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** A logged model with the bundle's files put through the artifact proxy, registered as the next version. */
  static int publish(String experiment, Path bundle) {
    JsonNode info = ok(server.post("/api/2.0/mlflow/logged-models", "{\"experiment_id\":\"" + experiment
        + "\",\"name\":\"churn\"}")).at("/model/info");
    String uri = info.get("artifact_uri").asText();
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        ok(server.put("/api/2.0/mlflow-artifacts/artifacts/" + uri.substring("mlflow-artifacts:/".length())
            + "/model/" + bundle.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f)));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ok(server.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"churn\",\"source\":\"" + uri
        + "\",\"model_id\":\"" + info.get("model_id").asText() + "\"}")).at("/model_version/version").asInt();
  }

  static TestServer.Reply post(String path, String contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return server.send(b);
  }

  static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The value of the series {@code name{labels}} in a Prometheus text scrape; null when absent. */
  static Double series(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    while (m.find()) {
      if (labelsMatch(m.group(1), labels)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return null;
  }

  /** Whether every {@code k="v"} of {@code wanted} (comma-separated) is among {@code actual}'s. */
  static boolean labelsMatch(String actual, String wanted) {
    for (String pair : wanted.split(",")) {
      if (!("," + actual + ",").contains("," + pair + ",")) {
        return false;
      }
    }
    return true;
  }

  @Test
  void answeredAndFailedRequestsReachMetricsAndMonitorWindows() throws Exception {
    List<Map<String, Object>> rows = TestBundles.rows(30, 7);
    for (int i = 0; i < 3; i++) {
      ok(post("/v2/models/watched/infer", "application/json",
          RequestBodies.oipColumns(schema, rows.subList(i * 5, i * 5 + 5), false)));
    }
    ok(post("/deployments/watched/invocations", "application/json",
        RequestBodies.dataframeSplit(schema, rows.subList(15, 17))));
    ok(post("/deployments/watched/invocations", "application/json",
        RequestBodies.dataframeSplit(schema, rows.subList(17, 19))));
    // bad input: a missing column over OIP, a body that is not JSON over /invocations (both after the route was
    // picked: counted under the version); a version the deployment does not serve (before: counted unversioned)
    Map<String, Object> missing = new HashMap<>(rows.get(0));
    missing.remove(schema.get(0).name());
    TestServer.Reply noColumn = post("/v2/models/watched/infer", "application/json",
        RequestBodies.records("dataframe_records", List.of(missing)));
    assertThat(noColumn.status()).as(noColumn.toString()).isEqualTo(400);
    TestServer.Reply garbage = post("/deployments/watched/invocations", "application/json",
        "{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(post("/v2/models/watched/versions/99/infer", "application/json",
        RequestBodies.oipColumns(schema, rows.subList(0, 1), false)).status()).isEqualTo(404);
    // no such deployment: not counted anywhere (any name could be asked for)
    assertThat(post("/v2/models/nowhere/infer", "application/json", new byte[0]).status()).isEqualTo(404);

    String v = "deployment=\"watched\",model=\"churn\",version=\"" + version + "\"";
    String scrape = ok200(server.get("/metrics"));
    assertThat(series(scrape, "cairn_serving_requests_total", v)).isEqualTo(5.0);
    assertThat(series(scrape, "cairn_serving_predictions_total", v)).isEqualTo(19.0);
    assertThat(series(scrape, "cairn_serving_errors_total", v)).isEqualTo(2.0);
    assertThat(series(scrape, "cairn_serving_errors_total", "deployment=\"watched\",model=\"\",version=\"\""))
        .isEqualTo(1.0);
    assertThat(scrape).doesNotContain("deployment=\"nowhere\"");
    assertThat(series(scrape, "cairn_serving_latency_seconds_count", v)).isEqualTo(5.0);
    assertThat(series(scrape, "cairn_serving_latency_seconds_bucket", v + ",le=\"+Inf\"")).isEqualTo(5.0);
    assertThat(scrape.lines().filter(l -> l.startsWith("cairn_serving_latency_seconds_bucket{")
        && labelsMatch(l.substring(l.indexOf('{') + 1, l.indexOf('}')), v))).as("histogram buckets usable for p99")
        .hasSizeGreaterThan(10);
    assertThat(series(scrape, "cairn_serving_shadow_requests_total",
        "deployment=\"watched\",model=\"churn\",version=\"" + shadowVersion + "\"")).isEqualTo(5.0);
    assertThat(scrape).contains("# TYPE cairn_serving_requests_total counter")
        .contains("# TYPE cairn_serving_latency_seconds histogram");
    assertThat(Double.parseDouble(scrapeValue(scrape, "cairn_serving_models_loaded"))).isEqualTo(2.0);
    assertThat(series(scrape, "cairn_prediction_log_dropped_total", "reason=\"full\"")).isZero();
    assertThat(scrape).contains("cairn_prediction_log_queue ");

    // the log writes 19 predictions plus the shadow's 19 in the background
    waitFor("the prediction log", () -> Double.parseDouble(scrapeValue(ok200(server.get("/metrics")),
        "cairn_prediction_log_written_total")) >= 38);

    String range = "?from=" + from + "&to=" + (System.currentTimeMillis() + 60_000);
    waitFor("errors and process figures in the window", () -> {
      JsonNode w = versionWindow(ok(server.get("/api/cairn/v1/deployments/watched/monitor" + range)), version);
      return w != null && w.at("/operations/errors").asLong() == 2 && w.has("process");
    });
    JsonNode windows = ok(server.get("/api/cairn/v1/deployments/watched/monitor" + range));
    JsonNode w = versionWindow(windows, version);
    // 5 calls of 19 rows: the log keeps a record per row and counts each call once
    assertThat(w.at("/operations/requests").asLong()).isEqualTo(5);
    assertThat(w.at("/operations/predictions").asLong()).isEqualTo(19);
    assertThat(w.at("/operations/served_requests").asLong()).isEqualTo(5);
    assertThat(w.at("/operations/error_rate").asDouble()).isCloseTo(2.0 / 7, within(1e-9));
    assertThat(w.get("psi").size()).isEqualTo(schema.size());
    JsonNode process = w.get("process").get(0);
    assertThat(process.get("replica").asText()).isEqualTo(REPLICA);
    assertThat(process.get("heap_used_max").asLong()).isPositive();
    JsonNode unversioned = versionWindow(windows, 0);
    assertThat(unversioned.get("model_name").asText()).isEmpty();
    assertThat(unversioned.at("/operations/errors").asLong()).isEqualTo(1);
    JsonNode shadow = versionWindow(windows, shadowVersion);
    assertThat(shadow.at("/operations/requests").asLong()).as("the shadow's logged calls").isEqualTo(5);
    assertThat(shadow.at("/operations/predictions").asLong()).as("the shadow's logged answers").isEqualTo(19);

    // windows of N predictions
    JsonNode byCount = ok(server.get("/api/cairn/v1/deployments/watched/monitor" + range + "&window_predictions=10"))
        .get("windows");
    assertThat(byCount).hasSize(2); // 19 predictions of each version: one full window each
    assertThat(byCount).allSatisfy(n -> assertThat(n.at("/operations/predictions").asLong()).isEqualTo(10));
  }

  @Test
  void badWindowPredictionsAreRefusedNamingTheLimit() {
    TestServer.Reply zero = server.get("/api/cairn/v1/deployments/watched/monitor?window_predictions=0");
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(zero.json().get("message").asText()).contains("window_predictions").contains("100000");
    assertThat(server.get("/api/cairn/v1/deployments/watched/monitor?window_predictions=ten").status())
        .isEqualTo(400);
    TestServer.Reply both = server.get("/api/cairn/v1/deployments/watched/monitor?window_predictions=10"
        + "&window_minutes=5");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().get("message").asText()).contains("not both");
  }

  @Test
  void closingTheServerStopsTheSchedulerTheSamplerAndTheFlush() throws Exception {
    Path other = dir.resolve("second");
    Files.createDirectories(other);
    int before = threads("cairn-monitor-scheduler") + threads("cairn-process-samples") + threads("cairn-serving-counts");
    CairnServer second = CairnServer.startWith(new CairnServer.ServerConfig("127.0.0.1", 0,
        "sqlite:" + other.resolve("cairn.db"), "file:" + other.resolve("artifacts")), List.of(),
        new ServingSettings(1.0, 1000, 1, 1, "second"));
    waitFor("the second server's scheduler, sampler and flush threads", () -> threads("cairn-monitor-scheduler")
        + threads("cairn-process-samples") + threads("cairn-serving-counts") == before + 3);
    second.close();
    waitFor("the threads to end", () -> threads("cairn-monitor-scheduler") + threads("cairn-process-samples")
        + threads("cairn-serving-counts") == before);
  }

  static int threads(String name) {
    return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
        .count();
  }

  static String ok200(TestServer.Reply r) {
    assertThat(r.status()).isEqualTo(200);
    return r.text();
  }

  /** The value of an unlabelled series. */
  static String scrapeValue(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(name + " in the scrape").isTrue();
    return m.group(1);
  }

  static JsonNode versionWindow(JsonNode answer, int modelVersion) {
    for (JsonNode w : answer.get("windows")) {
      if (w.get("model_version").asInt() == modelVersion) {
        return w;
      }
    }
    return null;
  }
}
