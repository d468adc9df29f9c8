package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays, request by request, what an MLflow 3 client sends for {@code mlflow.sklearn.log_model(model, name="model")}
 * inside {@code with mlflow.start_run()} (mlflow/models/model.py Model.log, rest_store.py, the HTTP artifact
 * repository), then what it sends to load the model back by {@code models:/<model_id>} and by
 * {@code runs:/<run_id>/model}, and asserts the answers carry every field the client parses.
 */
class MlflowThreeLogModelReplayTest {
  static final String API = "/api/2.0/mlflow/";
  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = startServer(dir);
  }

  /** The server the calls go to: SQLite and file artifacts here; PostgreSQL in the subclass. */
  TestServer startServer(Path dir) throws Exception {
    return TestServer.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private TestServer.Reply patch(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  private TestServer.Reply delete(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
  }

  private static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The files sklearn's save_model writes, as bytes; MLmodel names the model id and the artifact location. */
  private static Map<String, byte[]> modelFiles(String modelId, String artifactLocation, String runId) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("MLmodel", ("artifact_path: " + artifactLocation + "\nflavors:\n  python_function:\n"
        + "    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\nmlflow_version: 3.1.0\n"
        + "model_id: " + modelId + "\nmodel_uuid: " + modelId + "\nrun_id: " + runId + "\n"
        + "utc_time_created: '2026-12-01 10:00:00.000000'\n").getBytes(StandardCharsets.UTF_8));
    files.put("model.pkl", new byte[] {(byte) 0x80, 0x04, (byte) 0x95, 0x00, 0x2e});
    files.put("conda.yaml", "name: mlflow-env\n".getBytes(StandardCharsets.UTF_8));
    files.put("python_env.yaml", "python: 3.11.7\n".getBytes(StandardCharsets.UTF_8));
    files.put("requirements.txt", "mlflow==3.1.0\nscikit-learn\n".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  @Test
  void logModelThenLoadByModelsUriAndByRunsUri() {
    // mlflow.set_experiment / start_run / log_param / log_metric: the tracking calls MLflow 2 clients make too
    String experimentId = server.createExperiment("iris");
    JsonNode run = ok(server.post(API + "runs/create", "{\"experiment_id\":\"" + experimentId + "\",\"user_id\":\"ada\","
        + "\"start_time\":1764583200000,\"tags\":[{\"key\":\"mlflow.user\",\"value\":\"ada\"}],\"run_name\":\"bold-fox-1\"}"));
    String runId = run.at("/run/info/run_id").asText();
    ok(server.post(API + "runs/log-batch", "{\"run_id\":\"" + runId + "\",\"params\":[{\"key\":\"C\",\"value\":\"1.0\"}]}"));
    ok(server.post(API + "runs/log-batch", "{\"run_id\":\"" + runId + "\",\"metrics\":[{\"key\":\"accuracy\","
        + "\"value\":0.96,\"timestamp\":1764583201000,\"step\":0}]}"));

    // Model.log: the run's params become the model's params
    JsonNode got = ok(server.get(API + "runs/get?run_uuid=" + runId + "&run_id=" + runId));
    assertThat(got.at("/run/data/params/0/key").asText()).isEqualTo("C");

    // RestStore.create_logged_model: POST logged-models
    JsonNode created = ok(server.post(API + "logged-models", "{\"experiment_id\":\"" + experimentId + "\","
        + "\"name\":\"model\",\"source_run_id\":\"" + runId + "\",\"params\":[{\"key\":\"C\",\"value\":\"1.0\"}],"
        + "\"tags\":[{\"key\":\"mlflow.user\",\"value\":\"ada\"},{\"key\":\"mlflow.source.name\",\"value\":\"train.py\"},"
        + "{\"key\":\"mlflow.source.type\",\"value\":\"LOCAL\"}]}"));
    JsonNode info = created.at("/model/info");
    String modelId = info.get("model_id").asText();
    String artifactUri = info.get("artifact_uri").asText();
    assertThat(modelId).matches("m-[0-9a-f]{32}");
    assertThat(artifactUri).isEqualTo("mlflow-artifacts:/" + experimentId + "/models/" + modelId + "/artifacts");
    assertThat(info.get("experiment_id").asText()).isEqualTo(experimentId);
    assertThat(info.get("name").asText()).isEqualTo("model");
    assertThat(info.get("status").asText()).isEqualTo("LOGGED_MODEL_PENDING");
    assertThat(info.get("source_run_id").asText()).isEqualTo(runId);
    assertThat(info.get("creation_timestamp_ms").isIntegralNumber()).isTrue();
    assertThat(info.get("last_updated_timestamp_ms").isIntegralNumber()).isTrue();
    assertThat(info.get("tags")).hasSize(3);
    assertThat(created.at("/model/data/params/0/value").asText()).isEqualTo("1.0");

    // client.log_outputs: POST runs/outputs
    ok(server.post(API + "runs/outputs", "{\"run_id\":\"" + runId + "\",\"models\":[{\"model_id\":\"" + modelId
        + "\",\"step\":0}]}"));

    // log_model_metrics_for_step: the run's metrics at this step are logged again, linked to the model
    ok(server.get(API + "runs/get?run_uuid=" + runId + "&run_id=" + runId));
    JsonNode history = ok(server.get(API + "metrics/get-history?run_uuid=" + runId + "&run_id=" + runId
        + "&metric_key=accuracy"));
    JsonNode point = history.at("/metrics/0");
    ok(server.post(API + "runs/log-batch", "{\"run_id\":\"" + runId + "\",\"metrics\":[{\"key\":\"accuracy\","
        + "\"value\":" + point.get("value").asDouble() + ",\"timestamp\":" + point.get("timestamp").asLong()
        + ",\"step\":0,\"model_id\":\"" + modelId + "\",\"run_id\":\"" + runId + "\"}]}"));

    // client.log_model_artifacts: HttpArtifactRepository PUTs every file under the model's artifact location
    String storePath = artifactUri.substring("mlflow-artifacts:/".length());
    Map<String, byte[]> files = modelFiles(modelId, artifactUri, runId);
    files.forEach((name, bytes) -> ok(server.put(ARTIFACTS + "/" + storePath + "/" + name, bytes)));

    // _use_logged_model exits: RestStore.finalize_logged_model PATCHes the model READY
    JsonNode finalized = ok(patch(API + "logged-models/" + modelId,
        "{\"model_id\":\"" + modelId + "\",\"status\":\"LOGGED_MODEL_READY\"}"));
    assertThat(finalized.at("/model/info/status").asText()).isEqualTo("LOGGED_MODEL_READY");

    // the run now shows its model, and the model its linked metric
    JsonNode runAfter = ok(server.get(API + "runs/get?run_id=" + runId));
    assertThat(runAfter.at("/run/outputs/model_outputs/0/model_id").asText()).isEqualTo(modelId);
    assertThat(runAfter.at("/run/outputs/model_outputs/0/step").asLong()).isZero();
    assertThat(runAfter.at("/run/data/metrics")).hasSize(1); // the re-logged point is the same point

    // mlflow.pyfunc.load_model("models:/<model_id>"): get the model, list and download its artifacts
    JsonNode model = ok(server.get(API + "logged-models/" + modelId));
    assertThat(model.at("/model/info/artifact_uri").asText()).isEqualTo(artifactUri);
    assertThat(model.at("/model/info/status").asText()).isEqualTo("LOGGED_MODEL_READY");
    JsonNode metric = model.at("/model/data/metrics/0");
    assertThat(metric.get("key").asText()).isEqualTo("accuracy");
    assertThat(metric.get("value").asDouble()).isEqualTo(0.96);
    assertThat(metric.get("model_id").asText()).isEqualTo(modelId);
    assertThat(metric.get("run_id").asText()).isEqualTo(runId);
    assertDownloadsEveryFile(storePath, files);

    // mlflow.pyfunc.load_model("runs:/<run_id>/model"): the run's artifact repository first (empty), then the
    // model the run logged under that name (RunsArtifactRepository._get_logged_model_artifact_repo)
    JsonNode runInfo = ok(server.get(API + "runs/get?run_uuid=" + runId + "&run_id=" + runId)).at("/run/info");
    String runArtifacts = runInfo.get("artifact_uri").asText().substring("mlflow-artifacts:/".length());
    assertThat(ok(server.get(ARTIFACTS + "?path=" + q(runArtifacts + "/model"))).path("files")).isEmpty();
    JsonNode search = ok(server.post(API + "logged-models/search", "{\"experiment_ids\":[\""
        + runInfo.get("experiment_id").asText() + "\"],\"filter\":\"name = 'model'\"}"));
    assertThat(search.get("models")).hasSize(1);
    assertThat(search.has("next_page_token")).isFalse();
    JsonNode found = search.at("/models/0/info");
    assertThat(found.get("source_run_id").asText()).isEqualTo(runId);
    assertThat(found.get("artifact_uri").asText()).isEqualTo(artifactUri);
    assertDownloadsEveryFile(found.get("artifact_uri").asText().substring("mlflow-artifacts:/".length()), files);

    // the UI's artifact browser for the model
    JsonNode listed = ok(server.get(API + "logged-models/" + modelId + "/artifacts/directories"));
    assertThat(listed.get("root_uri").asText()).isEqualTo(artifactUri);
    List<String> names = new ArrayList<>();
    listed.get("files").forEach(f -> names.add(f.get("path").asText()));
    assertThat(names).containsExactlyInAnyOrderElementsOf(files.keySet());
    TestServer.Reply file = server.get("/ajax-api/2.0/mlflow/logged-models/" + modelId
        + "/artifacts/files?artifact_file_path=model.pkl");
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(files.get("model.pkl"));

    // mlflow.register_model("models:/<model_id>", "churn"): create the registered model, then a version pointing
    // at the logged model (source models:/<model_id>, model_id set), as MLflow 3's RestStore sends them
    ok(server.post(API + "registered-models/create", "{\"name\":\"churn\"}"));
    JsonNode version = ok(server.post(API + "model-versions/create", "{\"name\":\"churn\",\"source\":\"models:/"
        + modelId + "\",\"run_id\":\"" + runId + "\",\"model_id\":\"" + modelId + "\"}")).get("model_version");
    assertThat(version.get("version").asText()).isEqualTo("1");
    assertThat(version.get("model_id").asText()).isEqualTo(modelId);
    // mlflow.pyfunc.load_model("models:/churn/1"): the download URI is the logged model's own artifact location,
    // and every file comes back from there
    JsonNode download = ok(server.get(API + "model-versions/get-download-uri?name=churn&version=1"));
    assertThat(download.get("artifact_uri").asText()).isEqualTo(artifactUri);
    assertDownloadsEveryFile(download.get("artifact_uri").asText().substring("mlflow-artifacts:/".length()), files);
    JsonNode resolved = ok(server.get("/api/cairn/v1/models/resolve?uri=" + q("models:/churn/1")));
    assertThat(resolved.get("download_uri").asText()).isEqualTo(artifactUri);
  }

  private void assertDownloadsEveryFile(String storePath, Map<String, byte[]> files) {
    JsonNode listing = ok(server.get(ARTIFACTS + "?path=" + q(storePath)));
    Map<String, Long> sizes = new LinkedHashMap<>();
    listing.get("files").forEach(f -> sizes.put(f.get("path").asText(), f.path("file_size").asLong()));
    assertThat(sizes.keySet()).containsExactlyInAnyOrderElementsOf(files.keySet());
    files.forEach((name, bytes) -> {
      assertThat(sizes.get(name)).isEqualTo(bytes.length);
      TestServer.Reply r = server.get(ARTIFACTS + "/" + storePath + "/" + name);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(bytes);
    });
  }

  @Test
  void aFailedUploadIsFinalizedAsFailedAndAnExternalModelTagIsDeleted() {
    String experimentId = server.createExperiment("e");
    String modelId = ok(server.post(API + "logged-models", "{\"experiment_id\":\"" + experimentId + "\","
        + "\"tags\":[{\"key\":\"mlflow.model.isExternal\",\"value\":\"true\"}]}")).at("/model/info/model_id").asText();
    // Model.log deletes the external marker once the model has artifacts: DELETE .../tags/{key}, no body
    ok(server.delete(API + "logged-models/" + modelId + "/tags/mlflow.model.isExternal"));
    JsonNode failed = ok(patch(API + "logged-models/" + modelId, "{\"model_id\":\"" + modelId
        + "\",\"status\":\"LOGGED_MODEL_UPLOAD_FAILED\"}"));
    assertThat(failed.at("/model/info/status").asText()).isEqualTo("LOGGED_MODEL_UPLOAD_FAILED");
    assertThat(failed.at("/model/info/tags")).isEmpty();
    // a name is generated when the client sends none
    assertThat(failed.at("/model/info/name").asText()).isNotEmpty();
  }

  @Test
  void mlflowTwoLogModelAppendsToTheRunsModelHistoryTag() {
    String experimentId = server.createExperiment("e2");
    String runId = server.createRun(experimentId);
    for (String path : List.of("model", "model2")) {
      String modelJson = "{\"run_id\": \"" + runId + "\", \"artifact_path\": \"" + path + "\", "
          + "\"utc_time_created\": \"2026-12-01 10:00:00.000000\", \"flavors\": {\"sklearn\": {\"pickled_model\": "
          + "\"model.pkl\"}}, \"model_uuid\": \"0123\", \"mlflow_version\": \"2.17.2\"}";
      ok(server.post(API + "runs/log-model", "{\"run_id\":\"" + runId + "\",\"model_json\":"
          + com.fasterxml.jackson.databind.node.TextNode.valueOf(modelJson) + "}"));
    }
    JsonNode tags = ok(server.get(API + "runs/get?run_id=" + runId)).at("/run/data/tags");
    String history = null;
    for (JsonNode t : tags) {
      if (t.get("key").asText().equals("mlflow.log-model.history")) {
        history = t.get("value").asText();
      }
    }
    assertThat(history).isNotNull();
    JsonNode list = dev.cairn.core.Json.MAPPER.valueToTree(parse(history));
    assertThat(list).hasSize(2);
    assertThat(list.at("/0/artifact_path").asText()).isEqualTo("model");
    assertThat(list.at("/1/artifact_path").asText()).isEqualTo("model2");
    assertThat(list.at("/1/flavors/sklearn/pickled_model").asText()).isEqualTo("model.pkl");

    TestServer.Reply missing = server.post(API + "runs/log-model", "{\"run_id\":\"" + runId
        + "\",\"model_json\":\"{\\\"artifact_path\\\": \\\"m\\\"}\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(missing.json().get("message").asText()).contains("flavors", "run_id", "utc_time_created");
  }

  private static JsonNode parse(String json) {
    try {
      return dev.cairn.core.Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void deletingTheModelEndsItsLifeForGetSearchAndArtifactListing() {
    String experimentId = server.createExperiment("e3");
    String modelId = ok(server.post(API + "logged-models", "{\"experiment_id\":\"" + experimentId + "\"}"))
        .at("/model/info/model_id").asText();
    // RestStore.delete_logged_model: DELETE with the model id in the path and in a JSON body
    ok(delete(API + "logged-models/" + modelId, "{\"model_id\":\"" + modelId + "\"}"));
    TestServer.Reply gone = server.get(API + "logged-models/" + modelId);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(ok(server.post(API + "logged-models/search", "{\"experiment_ids\":[\"" + experimentId + "\"]}"))
        .get("models")).isEmpty();
    assertThat(server.get(API + "logged-models/" + modelId + "/artifacts/directories").status()).isEqualTo(404);
  }
}
