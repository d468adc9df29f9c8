package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.server.inference.InferenceRoutes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference on a real server: bundles trained here are logged as MLflow-3 logged models over the REST API (files
 * PUT through the artifact proxy), registered as versions, routed by deployments, and scored over OIP v2 and
 * /invocations.
 */
class InferenceRoutesTest {
  @TempDir static Path dir;
  static TestServer server;
  static Path logistic;
  static Path forest;
  static List<InputField> schema;
  static String experiment;

  @BeforeAll
  static void start() {
    logistic = TestBundles.write(dir.resolve("b1"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of());
    forest = TestBundles.write(dir.resolve("b2"), "random_forest", Task.CLASSIFICATION, Map.of(), Map.of());
    try (LoadedModel m = ModelRuntime.defaults().load(logistic)) {
      schema = m.inputSchema();
    }
    server = TestServer.start(dir.resolve("server"));
    experiment = server.createExperiment("serving");
    ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}"));
    register(logistic); // version 1
    register(forest); // version 2
    ok(server.post("/api/2.0/mlflow/registered-models/alias", "{\"name\":\"churn\",\"alias\":\"champion\",\"version\":\"1\"}"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** As an MLflow 3 client logs a model: a logged model, its files under its artifact location, then a version. */
  static int register(Path bundle) {
    return register(server, experiment, "churn", bundle);
  }

  /** As above, on {@code server}: a version of registered model {@code model} (which must exist). */
  static int register(TestServer server, String experiment, String model, Path bundle) {
    JsonNode info = ok(server.post("/api/2.0/mlflow/logged-models", "{\"experiment_id\":\"" + experiment
        + "\",\"name\":\"" + model + "\"}")).at("/model/info");
    String modelId = info.get("model_id").asText();
    String artifactUri = info.get("artifact_uri").asText();
    String storePath = artifactUri.substring("mlflow-artifacts:/".length());
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        ok(server.put("/api/2.0/mlflow-artifacts/artifacts/" + storePath + "/model/"
            + bundle.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f)));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ok(server.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"" + model + "\",\"source\":\""
        + artifactUri + "\",\"model_id\":\"" + modelId + "\"}")).at("/model_version/version").asInt();
  }

  static void deploy(String body) {
    ok(server.post("/api/cairn/v1/deployments", body));
  }

  static TestServer.Reply post(String path, String contentType, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    return server.send(b);
  }

  static List<String> labels(JsonNode predictions) {
    List<String> out = new ArrayList<>();
    predictions.forEach(p -> out.add(p.get("label").asText()));
    return out;
  }

  @Test
  void theSameRowsGiveTheSamePredictionsOverOipEveryInvocationsFormatAndInProcess() {
    deploy("{\"name\":\"consistent\",\"routes\":[{\"target\":\"churn@champion\",\"weight\":100}]}");
    List<Map<String, Object>> rows = TestBundles.rows(25, 11);
    List<String> expected;
    List<Double> expectedYes = new ArrayList<>();
    try (LoadedModel m = ModelRuntime.defaults().load(logistic)) {
      var p = m.predict(rows);
      expected = List.of(p.labels());
      for (int i = 0; i < rows.size(); i++) {
        expectedYes.add(p.probability(i, "yes"));
      }
    }
    TestServer.Reply oip = post("/v2/models/consistent/infer", "application/json",
        RequestBodies.oipColumns(schema, rows, false), Map.of());
    JsonNode out = ok(oip);
    assertThat(out.get("model_name").asText()).isEqualTo("consistent");
    assertThat(out.get("model_version").asText()).isEqualTo("1");
    assertThat(out.get("id").asText()).isEqualTo("req-1");
    assertThat(out.at("/parameters/prediction_ids")).hasSize(25);
    List<String> oipLabels = new ArrayList<>();
    out.at("/outputs/0/data").forEach(n -> oipLabels.add(n.asText()));
    assertThat(oipLabels).isEqualTo(expected);

    Map<String, byte[]> bodies = new HashMap<>();
    bodies.put("dataframe_split", RequestBodies.dataframeSplit(schema, rows));
    bodies.put("dataframe_records", RequestBodies.records("dataframe_records", rows));
    bodies.put("instances", RequestBodies.records("instances", rows));
    bodies.put("inputs", RequestBodies.columnar("inputs", schema, rows));
    bodies.forEach((format, body) -> {
      TestServer.Reply r = post("/deployments/consistent/invocations", "application/json", body, Map.of());
      JsonNode predictions = ok(r).get("predictions");
      assertThat(labels(predictions)).as(format).isEqualTo(expected);
      for (int i = 0; i < rows.size(); i++) {
        assertThat(predictions.get(i).at("/probabilities/yes").asDouble()).as(format).isEqualTo(expectedYes.get(i));
      }
    });
    HttpResponse<String> csv = raw(HttpRequest.newBuilder(URI.create(server.url("/deployments/consistent/invocations")))
        .header("Content-Type", "text/csv")
        .POST(HttpRequest.BodyPublishers.ofByteArray(RequestBodies.csv(schema, rows))));
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    assertThat(csv.headers().firstValue(InferenceRoutes.VERSION_HEADER)).contains("churn/1");
    assertThat(csv.headers().firstValue(InferenceRoutes.IDS_HEADER).orElseThrow().split(",")).hasSize(25);
    assertThat(labels(new TestServer.Reply(200, csv.body().getBytes(StandardCharsets.UTF_8), "", null).json()
        .get("predictions"))).isEqualTo(expected);
  }

  /**
   * The loop from serving to monitoring: answers carry prediction ids, the prediction log stores every scored row
   * (asynchronously), and feedback on those ids gives the window's live accuracy: 7 of 10 agreeing labels, 0.7.
   */
  @Test
  void scoredRowsAreLoggedAndFeedbackOnTheirIdsGivesLiveAccuracy() throws Exception {
    deploy("{\"name\":\"watched\",\"routes\":[{\"target\":\"churn/1\",\"weight\":100}]}");
    List<Map<String, Object>> rows = TestBundles.rows(10, 21);
    JsonNode out = ok(post("/v2/models/watched/infer", "application/json", RequestBodies.oipColumns(schema, rows, false),
        Map.of()));
    List<String> ids = new ArrayList<>();
    out.at("/parameters/prediction_ids").forEach(n -> ids.add(n.asText()));
    List<String> predicted = new ArrayList<>();
    out.at("/outputs/0/data").forEach(n -> predicted.add(n.asText()));
    assertThat(ids).hasSize(10).doesNotHaveDuplicates();

    waitFor(() -> server.get("/api/cairn/v1/deployments/watched/predictions").json().get("predictions").size() == 10);
    JsonNode logged = server.get("/api/cairn/v1/deployments/watched/predictions").json().get("predictions");
    List<String> loggedIds = new ArrayList<>();
    logged.forEach(p -> loggedIds.add(p.get("prediction_id").asText()));
    assertThat(loggedIds).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(logged.get(0).get("model_version").asInt()).isEqualTo(1);

    StringBuilder feedback = new StringBuilder("{\"feedback\":[");
    for (int i = 0; i < 10; i++) {
      String truth = i < 7 ? predicted.get(i) : predicted.get(i).equals("yes") ? "no" : "yes";
      feedback.append(i == 0 ? "" : ",").append("{\"prediction_id\":\"").append(ids.get(i))
          .append("\",\"label\":\"").append(truth).append("\"}");
    }
    ok(server.post("/api/cairn/v1/deployments/watched/feedback", feedback.append("]}").toString()));
    JsonNode windows = ok(server.get("/api/cairn/v1/deployments/watched/accuracy?window_minutes=60")).get("windows");
    assertThat(windows).hasSize(1);
    assertThat(windows.get(0).get("accuracy").asDouble()).isEqualTo(0.7);
  }

  @Test
  void theMonitorShowsDriftOfShiftedTrafficAndNoneOfTrafficLikeTraining() throws Exception {
    long from = System.currentTimeMillis() - 60_000;
    int version = register(TestBundles.write(dir.resolve("b3"), "logistic_regression", Task.CLASSIFICATION, Map.of(),
        Map.of(), true));
    deploy("{\"name\":\"steady\",\"routes\":[{\"target\":\"churn/" + version + "\",\"weight\":100}]}");
    deploy("{\"name\":\"shifted\",\"routes\":[{\"target\":\"churn/" + version + "\",\"weight\":100}]}");
    List<Map<String, Object>> rows = TestBundles.rows(400, 33);
    List<Map<String, Object>> older = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Map<String, Object> o = new HashMap<>(row);
      o.computeIfPresent("tenure", (k, v) -> (Double) v + 30); // customers now stay 30 months longer
      older.add(o);
    }
    ok(post("/v2/models/steady/infer", "application/json", RequestBodies.oipColumns(schema, rows, false), Map.of()));
    ok(post("/v2/models/shifted/infer", "application/json", RequestBodies.oipColumns(schema, older, false), Map.of()));
    for (String d : List.of("steady", "shifted")) {
      waitFor(() -> server.get("/api/cairn/v1/deployments/" + d + "/predictions?max_results=1000").json()
          .get("predictions").size() == 400);
    }
    String range = "?from=" + from + "&to=" + (System.currentTimeMillis() + 60_000) + "&window_minutes=60";

    JsonNode steady = ok(server.get("/api/cairn/v1/deployments/steady/monitor" + range)).get("windows");
    assertThat(steady).hasSize(1);
    JsonNode window = steady.get(0);
    assertThat(window.get("model_version").asInt()).isEqualTo(version);
    assertThat(window.at("/operations/requests").asInt()).isEqualTo(1); // the 400 rows came in one call
    assertThat(window.at("/operations/predictions").asInt()).isEqualTo(400);
    assertThat(window.at("/operations/latency_p99_ms").asDouble()).isPositive();
    assertThat(window.get("drift_share").asDouble()).isZero();
    assertThat(window.at("/drift/columns").size()).isEqualTo(4);
    assertThat(window.at("/prediction_drift/column").asText()).isEqualTo("churned");
    JsonNode tenure = quality(window, "tenure");
    assertThat(tenure.get("missing").asInt()).isPositive(); // the rows leave one tenure in ten out
    assertThat(tenure.get("out_of_range").asInt()).isZero();

    JsonNode shifted = ok(server.get("/api/cairn/v1/deployments/shifted/monitor" + range)).at("/windows/0");
    assertThat(shifted.get("drift_share").asDouble()).isEqualTo(0.25);
    List<String> drifted = new ArrayList<>();
    shifted.at("/drift/columns").forEach(c -> {
      if (c.get("drifted").asBoolean()) {
        drifted.add(c.get("column").asText());
      }
    });
    assertThat(drifted).containsExactly("tenure");
    assertThat(quality(shifted, "tenure").get("out_of_range").asInt()).isPositive();

    // feedback on the steady deployment's predictions shows up as the window's accuracy
    JsonNode logged = server.get("/api/cairn/v1/deployments/steady/predictions?max_results=2").json().get("predictions");
    StringBuilder feedback = new StringBuilder("{\"feedback\":[");
    for (int i = 0; i < 2; i++) {
      String label = logged.get(i).at("/outputs/0/label").asText();
      feedback.append(i == 0 ? "" : ",").append("{\"prediction_id\":\"").append(logged.get(i).get("prediction_id")
          .asText()).append("\",\"label\":\"").append(i == 0 ? label : label.equals("yes") ? "no" : "yes").append("\"}");
    }
    ok(server.post("/api/cairn/v1/deployments/steady/feedback", feedback.append("]}").toString()));
    JsonNode withFeedback = ok(server.get("/api/cairn/v1/deployments/steady/monitor" + range)).at("/windows/0");
    assertThat(withFeedback.get("accuracy").asDouble()).isEqualTo(0.5);
    assertThat(withFeedback.get("feedback").asInt()).isEqualTo(2);

    assertThat(server.get("/api/cairn/v1/deployments/steady/monitor?from=10&to=5").status()).isEqualTo(400);
  }

  static JsonNode quality(JsonNode window, String feature) {
    for (JsonNode q : window.get("quality")) {
      if (q.get("feature").asText().equals(feature)) {
        return q;
      }
    }
    throw new AssertionError("no quality for " + feature + " in " + window);
  }

  static HttpResponse<String> raw(HttpRequest.Builder b) {
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void healthMetadataReadinessAndVersionRoutesAnswerInOipShape() {
    deploy("{\"name\":\"meta\",\"routes\":[{\"target\":\"churn/1\",\"weight\":60},"
        + "{\"target\":\"churn/2\",\"weight\":40}]}");
    assertThat(ok(server.get("/v2/health/live")).get("live").asBoolean()).isTrue();
    assertThat(ok(server.get("/v2/health/ready")).get("ready").asBoolean()).isTrue();
    JsonNode meta = ok(server.get("/v2/models/meta"));
    assertThat(meta.get("name").asText()).isEqualTo("meta");
    assertThat(meta.get("versions")).extracting(JsonNode::asText).containsExactly("1", "2");
    assertThat(meta.get("inputs")).extracting(n -> n.get("name").asText())
        .containsExactlyElementsOf(schema.stream().map(InputField::name).toList());
    assertThat(ok(server.get("/v2/models/meta/ready")).get("ready").asBoolean()).isTrue();
    assertThat(ok(server.get("/v2/models/meta/versions/2/ready")).get("ready").asBoolean()).isTrue();
    List<Map<String, Object>> rows = TestBundles.rows(3, 4);
    for (int i = 0; i < 5; i++) {
      JsonNode v2 = ok(post("/v2/models/meta/versions/2/infer", "application/json",
          RequestBodies.oipColumns(schema, rows, false), Map.of()));
      assertThat(v2.get("model_version").asText()).isEqualTo("2");
    }
    TestServer.Reply none = server.get("/v2/models/meta/versions/3");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().get("error").asText()).contains("no route to model version 3");
    TestServer.Reply missing = server.get("/v2/models/nope/ready");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("error").asText()).contains("deployment 'nope' does not exist");
  }

  @Test
  void badInputsAre400sInEachProtocolsErrorShapeNamingTheFieldAndRow() {
    deploy("{\"name\":\"strict\",\"routes\":[{\"target\":\"churn/1\",\"weight\":100}]}");
    List<Map<String, Object>> rows = TestBundles.rows(3, 5);
    rows.get(2).put("plan", "platinum");
    TestServer.Reply oip = post("/v2/models/strict/infer", "application/json",
        RequestBodies.oipColumns(schema, rows, false), Map.of());
    assertThat(oip.status()).isEqualTo(400);
    assertThat(oip.json().has("error_code")).isFalse();
    assertThat(oip.json().get("error").asText()).contains("row 2").contains("plan").contains("platinum");
    TestServer.Reply oipJson = post("/v2/models/strict/infer", "application/json",
        "{\"inputs\": [".getBytes(StandardCharsets.UTF_8), Map.of());
    assertThat(oipJson.status()).isEqualTo(400);
    assertThat(oipJson.json().get("error").asText()).isNotBlank();

    TestServer.Reply mlflow = post("/deployments/strict/invocations", "application/json",
        RequestBodies.dataframeSplit(schema, rows), Map.of());
    assertThat(mlflow.status()).isEqualTo(400);
    assertThat(mlflow.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(mlflow.json().get("message").asText()).contains("row 2").contains("plan");
    TestServer.Reply noType = post("/deployments/strict/invocations", null,
        RequestBodies.dataframeSplit(schema, rows), Map.of());
    assertThat(noType.status()).isEqualTo(400);
    assertThat(noType.json().get("message").asText()).contains("Content-Type is missing");
    byte[] huge = new byte[(int) dev.cairn.serving.protocol.Limits.DEFAULT.maxBodyBytes() + 1];
    TestServer.Reply tooBig = post("/v2/models/strict/infer", "application/json", huge, Map.of());
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().get("error").asText()).contains("the limit is " + (huge.length - 1) + " bytes");
    TestServer.Reply unknown = post("/deployments/nope/invocations", "application/json",
        RequestBodies.dataframeSplit(schema, rows), Map.of());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void weightedRoutesSplitTrafficAndAStickyHeaderKeepsItsRoute() {
    deploy("{\"name\":\"ab\",\"sticky\":\"header:X-User\",\"routes\":[{\"target\":\"churn/1\",\"weight\":70},"
        + "{\"target\":\"churn/2\",\"weight\":30}]}");
    byte[] body = RequestBodies.oipColumns(schema, TestBundles.rows(1, 6), false);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      counts.merge(ok(post("/v2/models/ab/infer", "application/json", body, Map.of())).get("model_version").asText(),
          1, Integer::sum);
    }
    // 400 draws at p=0.7: sd about 9, so 240..320 is more than 4 of them either side
    assertThat(counts.get("1")).isBetween(240, 320);
    for (int u = 0; u < 20; u++) {
      Map<String, String> user = Map.of("X-User", "user-" + u);
      String first = ok(post("/v2/models/ab/infer", "application/json", body, user)).get("model_version").asText();
      for (int k = 0; k < 3; k++) {
        assertThat(ok(post("/v2/models/ab/infer", "application/json", body, user)).get("model_version").asText())
            .isEqualTo(first);
      }
    }
  }

  @Test
  void anAliasMoveSwapsUnderLoadWithZeroFailedRequests() throws Exception {
    ok(server.post("/api/2.0/mlflow/registered-models/alias",
        "{\"name\":\"churn\",\"alias\":\"live\",\"version\":\"1\"}"));
    deploy("{\"name\":\"swap\",\"routes\":[{\"target\":\"churn@live\",\"weight\":100}]}");
    byte[] body = RequestBodies.oipColumns(schema, TestBundles.rows(2, 8), false);
    ok(post("/v2/models/swap/infer", "application/json", body, Map.of()));
    HttpClient client = HttpClient.newHttpClient();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean swapped = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger oldAfterSwap = new AtomicInteger();
    AtomicInteger newAfterSwap = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          try {
            boolean after = swapped.get();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(server.url(
                "/v2/models/swap/infer"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
              failures.add(r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
              continue;
            }
            answered.incrementAndGet();
            String version = dev.cairn.core.Json.MAPPER.readTree(r.body()).get("model_version").asText();
            if (after) {
              (version.equals("2") ? newAfterSwap : oldAfterSwap).incrementAndGet();
            }
          } catch (Exception e) {
            failures.add(e.toString());
          }
        }
      });
      t.start();
      clients.add(t);
    }
    waitFor(() -> answered.get() > 100);
    ok(server.post("/api/2.0/mlflow/registered-models/alias",
        "{\"name\":\"churn\",\"alias\":\"live\",\"version\":\"2\"}"));
    server.server.servingTables().table("swap").refresh(); // the background refresher may have swapped already
    swapped.set(true);
    int before = answered.get();
    waitFor(() -> answered.get() > before + 100);
    stop.set(true);
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(failures).isEmpty();
    assertThat(oldAfterSwap.get()).isZero();
    assertThat(newAfterSwap.get()).isGreaterThan(100);
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 120 s");
      }
      Thread.sleep(5);
    }
  }
}
