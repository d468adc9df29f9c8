package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Task;
import dev.cairn.server.CairnServer;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real server serving a real deployment: one logistic-regression bundle (with reference statistics) registered as
 * versions 1 and 2 of a model whose name holds markup, alias champion on 1, and the deployment {@value #AB} routing
 * champion 70 / version 2 30 with a canary and a sticky key. {@value #V1_ROWS} rows like the training data were
 * scored by version 1 in one OIP request, {@value #V2_ROWS} rows with tenure 30 months longer by version 2 in two,
 * and feedback agrees with {@value #V1_AGREEING} of the first {@value #V1_FEEDBACK} version-1 predictions. A second
 * deployment {@value #QUIET} routes version 2 with version 1 as a shadow and has served nothing. With authentication
 * on, vic is a global viewer and ann has no grant.
 */
final class DeploymentFixture implements AutoCloseable {
  static final String MODEL = "churn <i>&";
  static final String AB = "churn-ab";
  static final String QUIET = "churn-quiet";
  static final String DESCRIPTION = "A/B test <script>alert(1)</script>";
  static final String UNTIL = "p99_ms < 50 and accuracy >= baseline - 0.01 <b>";
  static final int V1_ROWS = 200;
  static final int V2_ROWS = 200;
  static final int V1_FEEDBACK = 10;
  static final int V1_AGREEING = 7;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final CairnServer server;
  final String admin;
  final List<InputField> schema;
  final Path bundle;
  final String experiment;
  /** The rows version 1 scored, as sent. */
  final List<Map<String, Object>> v1Rows;

  record Answer(int status, String body) {}

  DeploymentFixture(Path dir, boolean auth) {
    bundle = TestBundles.write(dir.resolve("bundle"), "logistic_regression", Task.CLASSIFICATION, Map.of(),
        Map.of(), true);
    try (LoadedModel m = ModelRuntime.defaults().load(bundle)) {
      schema = m.inputSchema();
    }
    Path data = dir.resolve("server");
    server = CairnServer.start(auth
        ? new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
            "file:" + data.resolve("artifacts"), Map.of(), true, data.resolve("admin-token").toString())
        : new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
            "file:" + data.resolve("artifacts")));
    try {
      admin = auth ? "Bearer " + Files.readString(data.resolve("admin-token")).strip() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (auth) {
      api("POST", "/api/cairn/v1/users", Map.of("name", "vic", "password", password("vic"), "role", "viewer"));
      api("POST", "/api/cairn/v1/users", Map.of("name", "ann", "password", password("ann")));
    }
    experiment = api("POST", "/api/2.0/mlflow/experiments/create", Map.of("name", "serving"))
        .get("experiment_id").asText();
    api("POST", "/api/2.0/mlflow/registered-models/create", Map.of("name", MODEL));
    register();
    register();
    api("POST", "/api/2.0/mlflow/registered-models/alias", Map.of("name", MODEL, "alias", "champion", "version", "1"));
    api("POST", "/api/cairn/v1/deployments", Map.of("name", AB, "description", DESCRIPTION,
        "routes", List.of(Map.of("target", MODEL + "@champion", "weight", 70), Map.of("target", MODEL + "/2",
            "weight", 30)), "sticky", "header:X-User",
        "canary", Map.of("target", MODEL + "/2", "percent", 10, "until", UNTIL, "for", "30m")));
    api("POST", "/api/cairn/v1/deployments", Map.of("name", QUIET, "routes", List.of(Map.of("target", MODEL + "/2",
        "weight", 100)), "shadows", List.of(MODEL + "/1")));

    v1Rows = TestBundles.rows(V1_ROWS, 41);
    List<Map<String, Object>> shifted = new ArrayList<>();
    for (Map<String, Object> row : TestBundles.rows(V2_ROWS, 43)) {
      Map<String, Object> o = new HashMap<>(row);
      o.computeIfPresent("tenure", (k, v) -> (Double) v + 30); // customers now stay 30 months longer
      shifted.add(o);
    }
    JsonNode first = infer("/v2/models/" + AB + "/versions/1/infer", v1Rows);
    infer("/v2/models/" + AB + "/versions/2/infer", shifted.subList(0, V2_ROWS / 2));
    infer("/v2/models/" + AB + "/versions/2/infer", shifted.subList(V2_ROWS / 2, V2_ROWS));
    waitForLoggedPredictions(AB, V1_ROWS + V2_ROWS);
    StringBuilder feedback = new StringBuilder("{\"feedback\":[");
    for (int i = 0; i < V1_FEEDBACK; i++) {
      String predicted = first.at("/outputs/0/data/" + i).asText();
      String truth = i < V1_AGREEING ? predicted : predicted.equals("yes") ? "no" : "yes";
      feedback.append(i == 0 ? "" : ",").append("{\"prediction_id\":\"")
          .append(first.at("/parameters/prediction_ids/" + i).asText()).append("\",\"label\":\"").append(truth)
          .append("\"}");
    }
    ok(send("POST", "/api/cairn/v1/deployments/" + AB + "/feedback", Map.of("Content-Type", "application/json"),
        feedback.append("]}").toString().getBytes(StandardCharsets.UTF_8)), "feedback");
  }

  static String password(String user) {
    return "pw-of-" + user + "-long";
  }

  /** The rows of {@link #v1Rows} whose {@code feature} is missing. */
  long missingInV1(String feature) {
    return v1Rows.stream().filter(r -> r.get(feature) == null).count();
  }

  /** Scores {@code rows} over OIP at {@code path}; the answer. */
  JsonNode infer(String path, List<Map<String, Object>> rows) {
    return ok(send("POST", path,
        Map.of("Content-Type", "application/json"), RequestBodies.oipColumns(schema, rows, false)), "infer");
  }

  /** Waits until the prediction log holds {@code rows} rows of {@code deployment} (it writes in the background). */
  void waitForLoggedPredictions(String deployment, int rows) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode logged = ok(send("GET", "/api/cairn/v1/deployments/" + deployment + "/predictions?max_results=1000", Map.of(),
          null), "predictions").get("predictions");
      int n = 0;
      for (JsonNode p : logged) {
        n += p.get("inputs").size();
      }
      if (n >= rows) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the prediction log holds " + n + " of " + rows + " rows after 60 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** As an MLflow 3 client logs a model: a logged model, its files under its artifact location, then a version. */
  /** Registers the bundle as the model's next version; its number. */
  int register() {
    JsonNode info = api("POST", "/api/2.0/mlflow/logged-models", Map.of("experiment_id", experiment, "name", "churn"))
        .at("/model/info");
    String artifactUri = info.get("artifact_uri").asText();
    String storePath = artifactUri.substring("mlflow-artifacts:/".length());
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        ok(send("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + storePath + "/model/"
            + bundle.relativize(f).toString().replace('\\', '/'), Map.of(), Files.readAllBytes(f)), "upload");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return api("POST", "/api/2.0/mlflow/model-versions/create", Map.of("name", MODEL, "source", artifactUri,
        "model_id", info.get("model_id").asText())).at("/model_version/version").asInt();
  }

  /** A JSON API call as the admin that must succeed; its answer. */
  JsonNode api(String method, String path, Map<String, Object> body) {
    return ok(send(method, path, Map.of("Content-Type", "application/json"),
        Json.write(body).getBytes(StandardCharsets.UTF_8)), path);
  }

  private static JsonNode ok(Answer a, String what) {
    if (a.status() != 200) {
      throw new AssertionError(what + ": " + a.status() + " " + a.body());
    }
    try {
      return Json.MAPPER.readTree(a.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request as the admin (with authentication on). */
  Answer send(String method, String path, Map<String, String> headers, byte[] body) {
    Map<String, String> all = new HashMap<>(headers);
    if (admin != null) {
      all.putIfAbsent("Authorization", admin);
    }
    return raw(method, path, all, body);
  }

  /** A page as a browser asks for it, with {@code user}'s Basic credentials (none when null). */
  Answer page(String path, String user) {
    return raw("GET", path, user == null ? Map.of("Accept", "text/html") : Map.of("Accept", "text/html",
        "Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user))
            .getBytes(StandardCharsets.UTF_8))), null);
  }

  private Answer raw(String method, String path, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String url(String path) {
    return server.url() + path;
  }

  @Override
  public void close() {
    server.close();
  }
}
