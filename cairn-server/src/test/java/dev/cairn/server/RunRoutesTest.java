package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRoutesTest {
  @TempDir static Path dir;
  static TestServer server;
  static String experimentId;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
    experimentId = server.createExperiment("runs");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createRunRendersMlflowRunShape() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/create",
        "{\"experiment_id\":\"" + experimentId + "\",\"run_name\":\"first\",\"start_time\":\"1234\","
            + "\"user_id\":\"ada\",\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode info = r.json().at("/run/info");
    assertThat(info.get("run_id").asText()).matches("[0-9a-f]{32}");
    assertThat(info.get("run_uuid").asText()).isEqualTo(info.get("run_id").asText());
    assertThat(info.get("run_name").asText()).isEqualTo("first");
    assertThat(info.get("experiment_id").asText()).isEqualTo(experimentId);
    assertThat(info.get("user_id").asText()).isEqualTo("ada");
    assertThat(info.get("status").asText()).isEqualTo("RUNNING");
    assertThat(info.get("start_time").asLong()).isEqualTo(1234L);
    assertThat(info.get("lifecycle_stage").asText()).isEqualTo("active");
    assertThat(info.get("artifact_uri").asText())
        .isEqualTo("mlflow-artifacts:/" + experimentId + "/" + info.get("run_id").asText() + "/artifacts");
    assertThat(r.json().at("/run/data/tags").toString()).contains("\"key\":\"k\"");
    assertThat(r.json().at("/run/inputs/dataset_inputs").isArray()).isTrue();
  }

  @Test
  void createRunInAMissingExperimentIs404() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"99999\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void getOfAMissingRunIs404() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/runs/get?run_id=" + "0".repeat(32));
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void getWithoutRunIdIs400NamingTheField() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/runs/get");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'run_id'");
  }

  @Test
  void logMetricParamAndTagShowInGetRun() {
    String runId = server.createRun(experimentId);
    assertThat(server.post("/api/2.0/mlflow/runs/log-metric",
        "{\"run_id\":\"" + runId + "\",\"key\":\"loss\",\"value\":0.5,\"timestamp\":10,\"step\":1}").status())
        .isEqualTo(200);
    assertThat(server.post("/api/2.0/mlflow/runs/log-parameter",
        "{\"run_uuid\":\"" + runId + "\",\"key\":\"lr\",\"value\":\"0.1\"}").status()).isEqualTo(200);
    assertThat(server.post("/api/2.0/mlflow/runs/set-tag",
        "{\"run_id\":\"" + runId + "\",\"key\":\"team\",\"value\":\"nlp\"}").status()).isEqualTo(200);
    JsonNode data = server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/data");
    assertThat(data.at("/metrics/0/key").asText()).isEqualTo("loss");
    assertThat(data.at("/metrics/0/value").asDouble()).isEqualTo(0.5);
    assertThat(data.at("/metrics/0/step").asLong()).isEqualTo(1);
    assertThat(data.get("params").toString()).contains("\"key\":\"lr\"").contains("\"value\":\"0.1\"");
    assertThat(data.get("tags").toString()).contains("\"key\":\"team\"");

    assertThat(server.post("/api/2.0/mlflow/runs/delete-tag",
        "{\"run_id\":\"" + runId + "\",\"key\":\"team\"}").status()).isEqualTo(200);
    assertThat(server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/data/tags").toString())
        .doesNotContain("\"team\"");
  }

  @Test
  void changingALoggedParamIs400() {
    String runId = server.createRun(experimentId);
    server.post("/api/2.0/mlflow/runs/log-parameter", "{\"run_id\":\"" + runId + "\",\"key\":\"a\",\"value\":\"1\"}");
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-parameter",
        "{\"run_id\":\"" + runId + "\",\"key\":\"a\",\"value\":\"2\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void nonFiniteMetricValuesRenderAsProtoJsonStrings() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + runId + "\",\"metrics\":["
        + "{\"key\":\"nan\",\"value\":\"NaN\",\"timestamp\":1},"
        + "{\"key\":\"inf\",\"value\":\"Infinity\",\"timestamp\":1},"
        + "{\"key\":\"ninf\",\"value\":\"-Infinity\",\"timestamp\":1}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // NaN renders as proto JSON's "NaN"; the store keeps infinities as +-Double.MAX_VALUE, as MLflow's SQL store does
    // (docs/tracking.md says so), in the run's latest metrics and in each metric's history alike.
    Map<String, JsonNode> latest = new java.util.HashMap<>();
    server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/data/metrics")
        .forEach(m -> latest.put(m.get("key").asText(), m.get("value")));
    assertThat(latest).containsOnlyKeys("nan", "inf", "ninf");
    for (Map.Entry<String, JsonNode> e : Map.of("nan", (JsonNode) new com.fasterxml.jackson.databind.node.TextNode("NaN"),
        "inf", new com.fasterxml.jackson.databind.node.DoubleNode(Double.MAX_VALUE),
        "ninf", new com.fasterxml.jackson.databind.node.DoubleNode(-Double.MAX_VALUE)).entrySet()) {
      assertThat(latest.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
      JsonNode history = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=" + e.getKey())
          .json().at("/metrics");
      assertThat(history).as(e.getKey() + " history").hasSize(1);
      assertThat(history.get(0).get("value")).as(e.getKey() + " history").isEqualTo(e.getValue());
    }
  }

  @Test
  void logBatchWritesEverythingAndInt64MayArriveAsStrings() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + runId + "\","
        + "\"metrics\":[{\"key\":\"acc\",\"value\":0.9,\"timestamp\":\"100\",\"step\":\"2\"}],"
        + "\"params\":[{\"key\":\"p\",\"value\":\"x\"}],\"tags\":[{\"key\":\"t\",\"value\":\"y\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode data = server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/data");
    assertThat(data.at("/metrics/0/timestamp").asLong()).isEqualTo(100);
    assertThat(data.at("/metrics/0/step").asLong()).isEqualTo(2);
    assertThat(data.get("params")).hasSize(1);
  }

  @Test
  void logBatchRejectsMoreThan1000Metrics() {
    String runId = server.createRun(experimentId);
    StringJoiner metrics = new StringJoiner(",", "[", "]");
    for (int i = 0; i < 1001; i++) {
      metrics.add("{\"key\":\"m\",\"value\":" + i + ",\"timestamp\":1,\"step\":" + i + "}");
    }
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch",
        "{\"run_id\":\"" + runId + "\",\"metrics\":" + metrics + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("1000").contains("1001");
    assertThat(server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/data/metrics")).isEmpty();
  }

  @Test
  void logBatchWithAMetricMissingItsTimestampIs400NamingTheField() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch",
        "{\"run_id\":\"" + runId + "\",\"metrics\":[{\"key\":\"a\",\"value\":1}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("metrics[0].timestamp");
  }

  @Test
  void malformedJsonIs400() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\": ");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("JSON");
  }

  @Test
  void aJsonBodyThatIsNotAnObjectIs400() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch", "[1,2,3]");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("JSON object");
  }

  @Test
  void wrongJsonTypeIs400NamingTheField() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch",
        "{\"run_id\":\"" + runId + "\",\"metrics\":{\"key\":\"a\"}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'metrics'").contains("array");
  }

  @Test
  void aJsonBodyOverOneMegabyteIs400WithTheLimitInTheMessage() {
    String runId = server.createRun(experimentId);
    String filler = "x".repeat(1_000_001);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-batch",
        "{\"run_id\":\"" + runId + "\",\"filler\":\"" + filler + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("1000000");
  }

  @Test
  void updateRunSetsStatusEndTimeAndName() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/update",
        "{\"run_id\":\"" + runId + "\",\"status\":\"FINISHED\",\"end_time\":5000,\"run_name\":\"renamed\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().at("/run_info/status").asText()).isEqualTo("FINISHED");
    assertThat(r.json().at("/run_info/end_time").asLong()).isEqualTo(5000);
    assertThat(r.json().at("/run_info/run_name").asText()).isEqualTo("renamed");
  }

  @Test
  void updateRunWithAnUnknownStatusIs400() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/update", "{\"run_id\":\"" + runId + "\",\"status\":\"DONE\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'status'");
  }

  @Test
  void deleteAndRestoreRun() {
    String runId = server.createRun(experimentId);
    assertThat(server.post("/api/2.0/mlflow/runs/delete", "{\"run_id\":\"" + runId + "\"}").status()).isEqualTo(200);
    assertThat(server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/info/lifecycle_stage").asText())
        .isEqualTo("deleted");
    assertThat(server.post("/api/2.0/mlflow/runs/restore", "{\"run_id\":\"" + runId + "\"}").status()).isEqualTo(200);
    assertThat(server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/info/lifecycle_stage").asText())
        .isEqualTo("active");
  }

  @Test
  void searchRunsFiltersByMetric() {
    String exp = server.createExperiment("search-runs");
    String good = server.createRun(exp);
    String bad = server.createRun(exp);
    server.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + good + "\",\"key\":\"acc\",\"value\":0.95,\"timestamp\":1}");
    server.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + bad + "\",\"key\":\"acc\",\"value\":0.5,\"timestamp\":1}");
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/search",
        "{\"experiment_ids\":[\"" + exp + "\"],\"filter\":\"metrics.acc > 0.9\",\"max_results\":10}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("runs")).hasSize(1);
    assertThat(r.json().at("/runs/0/info/run_id").asText()).isEqualTo(good);
  }

  @Test
  void searchRunsWithAMalformedFilterIs400() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/search",
        "{\"experiment_ids\":[\"" + experimentId + "\"],\"filter\":\"metrics.acc >>> \"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void metricHistoryPagesWithMaxResultsAndPageToken() {
    String runId = server.createRun(experimentId);
    StringJoiner metrics = new StringJoiner(",", "[", "]");
    for (int i = 0; i < 5; i++) {
      metrics.add("{\"key\":\"loss\",\"value\":" + (1.0 / (i + 1)) + ",\"timestamp\":" + (100 + i) + ",\"step\":" + i + "}");
    }
    server.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + runId + "\",\"metrics\":" + metrics + "}");
    TestServer.Reply first = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=loss&max_results=3");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().get("metrics")).hasSize(3);
    assertThat(first.json().at("/metrics/0/step").asLong()).isEqualTo(0);
    String token = first.json().get("next_page_token").asText();
    TestServer.Reply second = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId
        + "&metric_key=loss&max_results=3&page_token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(second.json().get("metrics")).hasSize(2);
    assertThat(second.json().at("/metrics/1/step").asLong()).isEqualTo(4);
    assertThat(second.json().has("next_page_token")).isFalse();
  }

  @Test
  void metricHistoryWithoutMaxResultsIsWholeAndPagesAreBoundedAt25000() {
    String runId = server.createRun(experimentId);
    int points = 26_500; // more than one page of 25,000 and more than two of the store's read chunks
    for (int start = 0; start < points; start += 1000) {
      StringJoiner metrics = new StringJoiner(",", "[", "]");
      for (int i = start; i < Math.min(points, start + 1000); i++) {
        metrics.add("{\"key\":\"loss\",\"value\":" + (i % 7) + ",\"timestamp\":" + (i / 3) + ",\"step\":" + (i / 2) + "}");
      }
      assertThat(server.post("/api/2.0/mlflow/runs/log-batch",
          "{\"run_id\":\"" + runId + "\",\"metrics\":" + metrics + "}").status()).isEqualTo(200);
    }
    String history = "/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=loss";

    com.fasterxml.jackson.databind.JsonNode all = server.get(history).json();
    assertThat(all.get("metrics")).hasSize(points); // MLflow answers every point when no page is asked for
    assertThat(all.has("next_page_token")).isFalse();
    long previousStep = -1;
    for (com.fasterxml.jackson.databind.JsonNode m : all.get("metrics")) {
      assertThat(m.get("step").asLong()).isGreaterThanOrEqualTo(previousStep);
      previousStep = m.get("step").asLong();
    }

    com.fasterxml.jackson.databind.JsonNode first = server.get(history + "&max_results=25000").json();
    assertThat(first.get("metrics")).hasSize(25_000);
    String token = java.net.URLEncoder.encode(first.get("next_page_token").asText(),
        java.nio.charset.StandardCharsets.UTF_8);
    com.fasterxml.jackson.databind.JsonNode rest = server.get(history + "&page_token=" + token).json();
    assertThat(rest.get("metrics")).hasSize(points - 25_000);
    assertThat(rest.get("metrics").get(0)).isEqualTo(all.get("metrics").get(25_000));
    assertThat(rest.has("next_page_token")).isFalse();

    TestServer.Reply tooMany = server.get(history + "&max_results=25001");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("message").asText()).contains("max_results").contains("25000");
    assertThat(server.get(history + "&max_results=0").status()).isEqualTo(400);
  }

  @Test
  void metricHistoryOfAnEmptySeriesIsAnEmptyList() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=none");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("metrics")).isEmpty();
  }

  @Test
  void metricHistoryOfAMissingRunIs404() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + "a".repeat(32) + "&metric_key=x");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
  }

  @Test
  void bulkIntervalReadsRepeatedRunIdsFromTheQueryString() {
    String a = server.createRun(experimentId);
    String b = server.createRun(experimentId);
    for (String run : new String[] {a, b}) {
      server.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":["
          + "{\"key\":\"q\",\"value\":1,\"timestamp\":1,\"step\":0},{\"key\":\"q\",\"value\":2,\"timestamp\":2,\"step\":5}]}");
    }
    TestServer.Reply r = server.get("/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a
        + "&run_ids=" + b + "&metric_key=q&max_results=10");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().get("metrics")).hasSize(4);
    assertThat(r.json().toString()).contains(a).contains(b);
    assertThat(r.json().at("/metrics/0/run_id").asText()).isIn(a, b);
  }

  @Test
  void bulkIntervalWithoutRunIdsIs400() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=q");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("run_ids");
  }

  @Test
  void logInputsRecordsDatasetsOnTheRun() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-inputs", "{\"run_id\":\"" + runId + "\",\"datasets\":["
        + "{\"tags\":[{\"key\":\"mlflow.data.context\",\"value\":\"training\"}],"
        + "\"dataset\":{\"name\":\"iris\",\"digest\":\"abc123\",\"source_type\":\"local\",\"source\":\"{}\"}}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode inputs = server.get("/api/2.0/mlflow/runs/get?run_id=" + runId).json().at("/run/inputs/dataset_inputs");
    assertThat(inputs).hasSize(1);
    assertThat(inputs.at("/0/dataset/name").asText()).isEqualTo("iris");
    assertThat(inputs.at("/0/dataset/digest").asText()).isEqualTo("abc123");
    assertThat(inputs.at("/0/tags/0/value").asText()).isEqualTo("training");
  }

  @Test
  void listArtifactsShowsWhatWasUploadedThroughTheProxy() {
    String runId = server.createRun(experimentId);
    String root = "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts/";
    assertThat(server.put(root + "model/weights.bin", new byte[] {1, 2, 3}).status()).isEqualTo(200);
    assertThat(server.put(root + "notes.txt", "hi".getBytes()).status()).isEqualTo(200);
    TestServer.Reply top = server.get("/api/2.0/mlflow/artifacts/list?run_id=" + runId);
    assertThat(top.status()).as(top.toString()).isEqualTo(200);
    assertThat(top.json().get("root_uri").asText()).endsWith(runId + "/artifacts");
    assertThat(top.json().get("files").toString())
        .contains("{\"path\":\"model\",\"is_dir\":true}")
        .contains("{\"path\":\"notes.txt\",\"is_dir\":false,\"file_size\":2}");
    TestServer.Reply model = server.get("/api/2.0/mlflow/artifacts/list?run_id=" + runId + "&path=model");
    assertThat(model.json().get("files").toString())
        .contains("{\"path\":\"model/weights.bin\",\"is_dir\":false,\"file_size\":3}");
  }

  @Test
  void listArtifactsRejectsTraversal() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.get("/api/2.0/mlflow/artifacts/list?run_id=" + runId + "&path=..%2F..%2Fetc");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void unknownApiRouteIs404EndpointNotFound() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/runs/fly-to-the-moon");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "runs/update|{\"run_id\":\"RUN\",\"status\":\"FINISHED\"}",
      "runs/delete|{\"run_id\":\"RUN\"}",
      "runs/restore|{\"run_id\":\"RUN\"}",
      "runs/log-metric|{\"run_id\":\"RUN\",\"key\":\"m\",\"value\":1,\"timestamp\":1}",
      "runs/log-parameter|{\"run_id\":\"RUN\",\"key\":\"p\",\"value\":\"v\"}",
      "runs/set-tag|{\"run_id\":\"RUN\",\"key\":\"t\",\"value\":\"v\"}",
      "runs/delete-tag|{\"run_id\":\"RUN\",\"key\":\"t\"}",
      "runs/log-batch|{\"run_id\":\"RUN\",\"params\":[{\"key\":\"p\",\"value\":\"v\"}]}",
      "runs/log-inputs|{\"run_id\":\"RUN\",\"datasets\":[{\"dataset\":{\"name\":\"d\",\"digest\":\"x\"}}]}"})
  void writesToAMissingRunAre404(String routeAndBody) {
    String[] parts = routeAndBody.split("\\|", 2);
    TestServer.Reply r = server.post("/api/2.0/mlflow/" + parts[0], parts[1].replace("RUN", "f".repeat(32)));
    assertThat(r.status()).as(parts[0] + " " + r).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void writesToADeletedRunAre400InvalidState() {
    String runId = server.createRun(experimentId);
    server.post("/api/2.0/mlflow/runs/delete", "{\"run_id\":\"" + runId + "\"}");
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-metric",
        "{\"run_id\":\"" + runId + "\",\"key\":\"m\",\"value\":1,\"timestamp\":1}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_STATE");
  }

  @Test
  void logInputsWithoutTheDatasetIs400NamingTheField() {
    String runId = server.createRun(experimentId);
    TestServer.Reply r = server.post("/api/2.0/mlflow/runs/log-inputs",
        "{\"run_id\":\"" + runId + "\",\"datasets\":[{\"tags\":[]}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("dataset");
  }

  @Test
  void wrongHttpMethodIsNotAnEndpoint() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/runs/create");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
  }
}
