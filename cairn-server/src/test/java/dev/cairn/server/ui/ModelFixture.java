package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real server on SQLite with one registered model (a name holding '/' and markup) of two versions from two runs,
 * the alias {@code champion} on version 1, protected by a one-approval policy, and a pending request by rita to move
 * it to version 2, whose run read dataset train-set@3 for training. With authentication on, rita is an editor, abe an
 * approver and vic a viewer, each with a password; ann approves this model only (no global role).
 */
final class ModelFixture implements AutoCloseable {
  static final String NAME = "team/churn <b>&";
  static final String TAG_VALUE = "<script>alert(1)</script>";
  static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final HttpClient HTTP = HttpClient.newHttpClient(); // follows no redirects
  final CairnServer server;
  final String admin;
  final String run1;
  final String run2;
  final String requestId;

  record Answer(int status, String body, HttpResponse<String> response) {
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String csrf() {
      Matcher m = HIDDEN_CSRF.matcher(body);
      return m.find() ? m.group(1) : null;
    }
  }

  ModelFixture(Path dir, boolean auth) {
    server = CairnServer.start(auth
        ? new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
            "file:" + dir.resolve("artifacts"), Map.of(), true, dir.resolve("admin-token").toString())
        : new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
            "file:" + dir.resolve("artifacts")));
    try {
      admin = auth ? "Bearer " + Files.readString(dir.resolve("admin-token")).strip() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MetadataStore store = server.metadataStore();
    String experiment = store.createExperiment("churn", null, List.of());
    run1 = run(store, experiment, 0.81);
    run2 = run(store, experiment, 0.87);
    store.logInputs(run2, List.of(new DatasetInput("train-set", "sha256:ab12", "cairn", "cairn-dataset:train-set@3",
        null, null, List.of(new Tag("mlflow.data.context", "training")))));
    if (auth) {
      for (String[] u : new String[][] {{"rita", "editor"}, {"abe", "approver"}, {"vic", "viewer"}}) {
        api("/api/cairn/v1/users", Map.of("name", u[0], "password", password(u[0]), "role", u[1]), admin);
      }
    }
    api("/api/2.0/mlflow/registered-models/create", Map.of("name", NAME), admin);
    if (auth) { // ann approves this model only
      api("/api/cairn/v1/users", Map.of("name", "ann", "password", password("ann")), admin);
      api("/api/cairn/v1/users/ann/grants", Map.of("role", "approver", "scope", "registered_model:" + NAME), admin);
    }
    api("/api/2.0/mlflow/registered-models/set-tag", Map.of("name", NAME, "key", "owner", "value", TAG_VALUE), admin);
    for (String run : List.of(run1, run2)) {
      api("/api/2.0/mlflow/model-versions/create", Map.of("name", NAME, "source", "runs:/" + run + "/model",
          "run_id", run), admin);
    }
    api("/api/2.0/mlflow/registered-models/alias", Map.of("name", NAME, "alias", "champion", "version", "1"), admin);
    api("/api/cairn/v1/registry/policies/set", Map.of("name", NAME, "alias", "champion", "required_approvals", 1),
        admin);
    String requester = auth ? "Basic " + java.util.Base64.getEncoder().encodeToString(
        ("rita:" + password("rita")).getBytes(StandardCharsets.UTF_8)) : null;
    requestId = api("/api/cairn/v1/registry/promotions/request", Map.of("name", NAME, "alias", "champion",
        "version", 2, "reason", "better <acc>"), requester).path("request").path("request_id").asText();
  }

  static String password(String user) {
    return "pw-of-" + user + "-long";
  }

  private static String run(MetadataStore store, String experiment, double acc) {
    String id = store.createRun(experiment, "rita", 1_700_000_000_000L, "train", List.of()).runId();
    store.logBatch(id, List.of(new Metric("acc", acc, 1_700_000_000_000L, 0)), List.of(), List.of());
    return id;
  }

  /** A JSON API call that must succeed; its answer. */
  JsonNode api(String path, Map<String, Object> body, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r = send(b);
    if (r.statusCode() != 200) {
      throw new AssertionError(path + ": " + r.statusCode() + " " + r.body());
    }
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Answer send(String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = send(b);
    return new Answer(r.statusCode(), r.body(), r);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  /** Signs in through the form; the session's Cookie header value. */
  String session(String user) {
    Answer page = send("GET", "/ui/login", Map.of(), null);
    String loginCookie = page.header("Set-Cookie");
    Answer a = send("POST", "/ui/login", Map.of("Content-Type", "application/x-www-form-urlencoded",
        "Cookie", loginCookie.substring(0, loginCookie.indexOf(';'))), form(Map.of("user", user, "password",
        password(user), "csrf", page.csrf(), "next", "/ui/models")));
    if (a.status() != 303) {
      throw new AssertionError("sign in " + user + ": " + a.status() + " " + a.body());
    }
    String cookie = a.response().headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("cairn_session=")).findFirst().orElseThrow();
    return cookie.substring(0, cookie.indexOf(';'));
  }

  Answer page(String path, String cookie) {
    return send("GET", path, cookie == null ? Map.of("Accept", "text/html")
        : Map.of("Cookie", cookie, "Accept", "text/html"), null);
  }

  String url(String path) {
    return server.url() + path;
  }

  @Override
  public void close() {
    server.close();
  }
}
