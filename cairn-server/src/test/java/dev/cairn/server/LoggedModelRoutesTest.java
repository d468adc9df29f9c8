package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logged-model routes one by one: both prefixes, path parameters, MLflow's error codes, paging. */
class LoggedModelRoutesTest {
  static final String API = "/api/2.0/mlflow/";
  static final String AJAX = "/ajax-api/2.0/mlflow/";

  @TempDir Path dir;
  TestServer server;
  String experiment;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    experiment = server.createExperiment("routes");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestServer.Reply patch(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  private static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static void assertError(TestServer.Reply r, int status, String code, String... messageParts) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).isNotBlank();
    if (messageParts.length > 0) {
      assertThat(r.json().get("message").asText()).contains(messageParts);
    }
  }

  private String create(String prefix, String name) {
    return ok(server.post(prefix + "logged-models", "{\"experiment_id\":\"" + experiment + "\",\"name\":\"" + name
        + "\"}")).at("/model/info/model_id").asText();
  }

  @Test
  void everyRouteAnswersUnderTheAjaxPrefixToo() {
    String id = create(AJAX, "ajax");
    assertThat(ok(server.get(AJAX + "logged-models/" + id)).at("/model/info/name").asText()).isEqualTo("ajax");
    ok(patch(AJAX + "logged-models/" + id + "/tags", "{\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}"));
    ok(server.post(AJAX + "logged-models/" + id + "/params", "{\"model_id\":\"" + id + "\",\"params\":[{\"key\":\"p\","
        + "\"value\":\"1\"}]}"));
    ok(patch(AJAX + "logged-models/" + id, "{\"status\":\"LOGGED_MODEL_READY\"}"));
    JsonNode found = ok(server.post(AJAX + "logged-models/search", "{\"experiment_ids\":[\"" + experiment + "\"]}"));
    assertThat(found.at("/models/0/info/tags/0/key").asText()).isEqualTo("k");
    assertThat(found.at("/models/0/data/params/0/key").asText()).isEqualTo("p");
    assertThat(ok(server.get(AJAX + "logged-models/" + id + "/artifacts/directories")).get("files")).isEmpty();
  }

  @Test
  void unknownModelsAndExperimentsAre404AndBadRequests400() {
    String unknown = "m-" + "0".repeat(32);
    assertError(server.get(API + "logged-models/" + unknown), 404, "RESOURCE_DOES_NOT_EXIST", unknown);
    assertError(patch(API + "logged-models/" + unknown, "{\"status\":\"LOGGED_MODEL_READY\"}"), 404,
        "RESOURCE_DOES_NOT_EXIST");
    assertError(server.delete(API + "logged-models/" + unknown + "/tags/x"), 404, "RESOURCE_DOES_NOT_EXIST");
    assertError(server.post(API + "logged-models", "{\"name\":\"x\"}"), 400, "INVALID_PARAMETER_VALUE",
        "experiment_id");
    assertError(server.post(API + "logged-models", "{\"experiment_id\":\"99999\"}"), 404, "RESOURCE_DOES_NOT_EXIST",
        "99999");
    String id = create(API, "m");
    assertError(patch(API + "logged-models/" + id, "{}"), 400, "INVALID_PARAMETER_VALUE", "status");
    assertError(patch(API + "logged-models/" + id, "{\"status\":\"DONE\"}"), 400, "INVALID_PARAMETER_VALUE",
        "LOGGED_MODEL_READY");
    assertThat(ok(server.get(API + "logged-models/" + id)).at("/model/info/status").asText())
        .isEqualTo("LOGGED_MODEL_PENDING");
    assertError(server.post(API + "logged-models/search", "{\"experiment_ids\":[\"" + experiment + "\"],"
        + "\"filter\":\"metrics.acc > 'high'\"}"), 400, "INVALID_PARAMETER_VALUE", "metrics.acc");
    assertError(server.post(API + "logged-models/search", "{\"experiment_ids\":[\"" + experiment + "\"],"
        + "\"max_results\":5000}"), 400, "INVALID_PARAMETER_VALUE", "max_results");
    assertError(server.post(API + "runs/outputs", "{\"run_id\":\"" + server.createRun(experiment) + "\","
        + "\"models\":[{\"model_id\":\"" + unknown + "\",\"step\":0}]}"), 404, "RESOURCE_DOES_NOT_EXIST");
    // the UI's file download is served under the ajax prefix only, as in MLflow
    assertThat(server.get(API + "logged-models/" + id + "/artifacts/files?artifact_file_path=MLmodel").status())
        .isEqualTo(404);
    assertError(server.get(AJAX + "logged-models/" + id + "/artifacts/files?artifact_file_path=MLmodel"), 404,
        "RESOURCE_DOES_NOT_EXIST", "MLmodel");
    assertError(server.get(AJAX + "logged-models/" + id + "/artifacts/files?artifact_file_path=../../x"), 400,
        "INVALID_PARAMETER_VALUE");
  }

  @Test
  void aTagKeyWithSlashesIsOnePathParameter() {
    String id = create(API, "m");
    ok(patch(API + "logged-models/" + id + "/tags", "{\"tags\":[{\"key\":\"team/owner\",\"value\":\"risk\"},"
        + "{\"key\":\"keep\",\"value\":\"1\"}]}"));
    ok(server.delete(API + "logged-models/" + id + "/tags/team/owner"));
    JsonNode tags = ok(server.get(API + "logged-models/" + id)).at("/model/info/tags");
    assertThat(tags).hasSize(1);
    assertThat(tags.at("/0/key").asText()).isEqualTo("keep");
  }

  @Test
  void searchOrdersAndPagesAsTheClientAsks() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(create(API, "m" + i));
    }
    String run = server.createRun(experiment);
    for (int i = 0; i < 5; i++) {
      ok(server.post(API + "runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":[{\"key\":\"acc\",\"value\":"
          + (i / 10.0) + ",\"timestamp\":1,\"step\":0,\"model_id\":\"" + ids.get(i) + "\",\"dataset_name\":\"test\"}]}"));
    }
    String body = "{\"experiment_ids\":[\"" + experiment + "\"],\"filter\":\"metrics.acc >= 0.1\",\"datasets\":"
        + "[{\"dataset_name\":\"test\"}],\"order_by\":[{\"field_name\":\"metrics.acc\",\"ascending\":false}],"
        + "\"max_results\":3";
    JsonNode first = ok(server.post(API + "logged-models/search", body + "}"));
    List<String> names = new ArrayList<>();
    first.get("models").forEach(m -> names.add(m.at("/info/name").asText()));
    assertThat(first.get("next_page_token").asText()).isNotEmpty();
    JsonNode second = ok(server.post(API + "logged-models/search", body + ",\"page_token\":\""
        + first.get("next_page_token").asText() + "\"}"));
    second.get("models").forEach(m -> names.add(m.at("/info/name").asText()));
    assertThat(second.has("next_page_token")).isFalse();
    assertThat(names).containsExactly("m4", "m3", "m2", "m1");
    // the metric shows the dataset it was measured on
    JsonNode metric = first.at("/models/0/data/metrics/0");
    assertThat(metric.get("dataset_name").asText()).isEqualTo("test");
    assertThat(metric.get("run_id").asText()).isEqualTo(run);
  }

  @Test
  void artifactDirectoriesListOneLevelAtATime() {
    String id = create(API, "m");
    String location = ok(server.get(API + "logged-models/" + id)).at("/model/info/artifact_uri").asText();
    String store = location.substring("mlflow-artifacts:/".length());
    ok(server.put("/api/2.0/mlflow-artifacts/artifacts/" + store + "/MLmodel", "flavors: {}".getBytes(StandardCharsets.UTF_8)));
    ok(server.put("/api/2.0/mlflow-artifacts/artifacts/" + store + "/data/weights.bin", new byte[] {1, 2, 3}));
    JsonNode root = ok(server.get(API + "logged-models/" + id + "/artifacts/directories"));
    assertThat(root.get("files")).hasSize(2);
    JsonNode data = ok(server.get(API + "logged-models/" + id + "/artifacts/directories?artifact_directory_path=data"));
    assertThat(data.at("/files/0/path").asText()).isEqualTo("data/weights.bin");
    assertThat(data.at("/files/0/file_size").asLong()).isEqualTo(3);
    assertThat(data.at("/files/0/is_dir").asBoolean()).isFalse();
    TestServer.Reply file = server.get(AJAX + "logged-models/" + id + "/artifacts/files?artifact_file_path=data/weights.bin");
    assertThat(file.body()).containsExactly(1, 2, 3);
  }

  @Test
  void concurrentLogModelCallsOnOneRunEachKeepTheirModel() throws Exception {
    String run = server.createRun(experiment);
    int calls = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(calls);
    try {
      List<java.util.concurrent.Future<TestServer.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        String modelJson = "{\"run_id\": \"" + run + "\", \"artifact_path\": \"m" + i + "\", \"utc_time_created\": "
            + "\"2026-12-01 10:00:00.000000\", \"flavors\": {\"python_function\": {}}}";
        String body = "{\"run_id\":\"" + run + "\",\"model_json\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(modelJson) + "}";
        replies.add(pool.submit(() -> server.post(API + "runs/log-model", body)));
      }
      for (var r : replies) {
        ok(r.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    String history = null;
    for (JsonNode t : ok(server.get(API + "runs/get?run_id=" + run)).at("/run/data/tags")) {
      if (t.get("key").asText().equals("mlflow.log-model.history")) {
        history = t.get("value").asText();
      }
    }
    JsonNode list = dev.cairn.core.Json.MAPPER.readTree(history);
    List<String> paths = new ArrayList<>();
    list.forEach(m -> paths.add(m.get("artifact_path").asText()));
    assertThat(paths).hasSize(calls).doesNotHaveDuplicates();
  }

  @Test
  void logMetricWithAModelIdLinksThePointToTheModelAndAnUnknownModelIs404() {
    String id = create(API, "m");
    String run = server.createRun(experiment);
    ok(server.post(API + "runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"rmse\",\"value\":\"NaN\","
        + "\"timestamp\":5,\"step\":2,\"model_id\":\"" + id + "\",\"dataset_name\":\"eval\",\"dataset_digest\":\"abc\"}"));
    JsonNode metric = ok(server.get(API + "logged-models/" + id)).at("/model/data/metrics/0");
    assertThat(metric.get("key").asText()).isEqualTo("rmse");
    assertThat(metric.get("value").asText()).isEqualTo("NaN");
    assertThat(metric.get("step").asLong()).isEqualTo(2);
    assertThat(metric.get("dataset_digest").asText()).isEqualTo("abc");
    assertError(server.post(API + "runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"rmse\",\"value\":1,"
        + "\"timestamp\":5,\"model_id\":\"m-" + "9".repeat(32) + "\"}"), 404, "RESOURCE_DOES_NOT_EXIST");
  }
}
