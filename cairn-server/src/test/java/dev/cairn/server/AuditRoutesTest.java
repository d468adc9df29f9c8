package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutating requests leave audit events naming who, from where and which request; the audit API reads them. */
class AuditRoutesTest {
  @TempDir
  Path dir;
  private CairnServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  private record Answer(int status, JsonNode json, String requestId) {}

  @BeforeEach
  void start() {
    // stands in for the auth layer: the user a test header names becomes the request's actor
    CairnServer.RouteModule fakeAuth = (routes, m, a) -> routes.before(ctx -> {
      String user = ctx.header("X-Test-User");
      if (user != null) {
        ctx.attribute("cairn.actor", user);
      }
    });
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts"), Map.of()), List.of(fakeAuth));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Answer send(String method, String path, String json, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
    return new Answer(r.statusCode(), body, r.headers().firstValue("X-Request-Id").orElse(null));
  }

  private Answer post(String path, String json, String... headers) throws Exception {
    return send("POST", path, json, headers);
  }

  private JsonNode events(String query) throws Exception {
    Answer a = send("GET", "/api/cairn/v1/audit" + query, null);
    assertThat(a.status()).as(String.valueOf(a.json())).isEqualTo(200);
    return a.json().path("events");
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void mutatingRequestsRecordActorRequestIdSourceAndRoute() throws Exception {
    Answer created = post("/api/2.0/mlflow/experiments/create", "{\"name\":\"churn\"}",
        "X-Request-Id", "client-req-1", "X-Test-User", "ada");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.requestId()).isEqualTo("client-req-1");
    String experiment = created.json().get("experiment_id").asText();
    Answer run = post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + experiment + "\",\"start_time\":1}");
    assertThat(run.requestId()).matches("[0-9a-f]{32}");
    String runId = run.json().at("/run/info/run_id").asText();
    Answer logged = post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\":\"" + runId
        + "\",\"metrics\":[{\"key\":\"m\",\"value\":1,\"timestamp\":1,\"step\":0}]}", "X-Request-Id", "bad id with spaces");
    assertThat(logged.status()).isEqualTo(200);
    assertThat(logged.requestId()).as("an insane id is replaced").matches("[0-9a-f]{32}");
    // answered without a write: a failed create, a search (POST, but reads only), a GET
    Answer failed = post("/api/2.0/mlflow/experiments/create", "{\"name\":\"churn\"}", "X-Request-Id", "retry-7");
    assertThat(failed.status()).isEqualTo(400);
    assertThat(failed.requestId()).as("errors carry the request id too").isEqualTo("retry-7");
    assertThat(post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"" + experiment + "\"]}").status())
        .isEqualTo(200);
    assertThat(send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + experiment, null).requestId())
        .isNotNull();

    JsonNode events = events("?order=oldest");
    assertThat(events).hasSize(3);
    JsonNode first = events.get(0);
    assertThat(first.get("sequence").asLong()).isEqualTo(1);
    assertThat(first.get("actor").asText()).isEqualTo("ada");
    assertThat(first.get("request_id").asText()).isEqualTo("client-req-1");
    assertThat(first.get("source_address").asText()).isEqualTo("127.0.0.1");
    assertThat(first.get("action").asText()).isEqualTo("POST /api/2.0/mlflow/experiments/create");
    assertThat(first.get("target").asText()).isEqualTo("experiment:" + experiment);
    assertThat(first.at("/after/name").asText()).isEqualTo("churn");
    assertThat(events.get(1).get("actor").asText()).as("no auth: the local user").isEqualTo("local");
    assertThat(events.get(1).get("request_id").asText()).isEqualTo(run.requestId());
    assertThat(events.get(2).get("action").asText()).isEqualTo("POST /api/2.0/mlflow/runs/log-batch");
    assertThat(events.get(2).get("target").asText()).isEqualTo("run:" + runId);
    assertThat(events.get(2).get("request_id").asText()).isEqualTo(logged.requestId());
    assertThat(events.get(2).get("previous_hash").asText()).isEqualTo(events.get(1).get("hash").asText());
  }

  @Test
  void searchFiltersAndPages() throws Exception {
    String e1 = post("/api/2.0/mlflow/experiments/create", "{\"name\":\"a\"}", "X-Test-User", "ada")
        .json().get("experiment_id").asText();
    String e2 = post("/api/2.0/mlflow/experiments/create", "{\"name\":\"b\"}", "X-Test-User", "bob")
        .json().get("experiment_id").asText();
    for (int i = 0; i < 4; i++) {
      assertThat(post("/api/2.0/mlflow/experiments/set-experiment-tag", "{\"experiment_id\":\"" + e2
          + "\",\"key\":\"k\",\"value\":\"" + i + "\"}", "X-Test-User", "bob").status()).isEqualTo(200);
    }
    post("/api/2.0/mlflow/experiments/update", "{\"experiment_id\":\"" + e1 + "\",\"new_name\":\"a2\"}",
        "X-Test-User", "ada");

    assertThat(events("?actor=ada")).extracting(n -> n.get("sequence").asLong()).containsExactly(7L, 1L);
    assertThat(events("?actor=bob&order=oldest")).extracting(n -> n.get("sequence").asLong())
        .containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(events("?target=" + q("experiment:" + e1))).extracting(n -> n.get("sequence").asLong())
        .containsExactly(7L, 1L);
    assertThat(events("?action=" + q("POST /api/2.0/mlflow/experiments/set-experiment-tag"))).hasSize(4);
    long now = System.currentTimeMillis();
    assertThat(events("?from=" + (now + 60_000))).isEmpty();
    assertThat(events("?from=" + (now - 600_000) + "&to=" + (now + 1000))).hasSize(7);

    List<Long> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Answer a = send("GET", "/api/cairn/v1/audit?max_results=2" + (token.isEmpty() ? "" : "&page_token=" + q(token)),
          null);
      a.json().path("events").forEach(n -> seen.add(n.get("sequence").asLong()));
      token = a.json().path("next_page_token").asText("");
      pages++;
    } while (!token.isEmpty());
    assertThat(seen).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
    assertThat(pages).isEqualTo(4);

    Answer tooMany = send("GET", "/api/cairn/v1/audit?max_results=1001", null);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("message").asText()).contains("max_results").contains("1000");
    assertThat(send("GET", "/api/cairn/v1/audit?order=sideways", null).status()).isEqualTo(400);
    assertThat(send("GET", "/api/cairn/v1/audit", null).json().path("events")).as("reads leave no events").hasSize(7);
  }

  @Test
  void verifyAnswersOkUntilARowIsChangedThenNamesIt() throws Exception {
    for (int i = 0; i < 5; i++) {
      post("/api/2.0/mlflow/experiments/create", "{\"name\":\"e" + i + "\"}");
    }
    JsonNode ok = send("GET", "/api/cairn/v1/audit/verify", null).json();
    assertThat(ok.get("ok").asBoolean()).isTrue();
    assertThat(ok.get("checked").asLong()).isEqualTo(5);
    assertThat(ok.has("first_bad")).isFalse();

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_events SET target = 'experiment:999' WHERE sequence = 3");
    }
    JsonNode bad = send("GET", "/api/cairn/v1/audit/verify", null).json();
    assertThat(bad.get("ok").asBoolean()).isFalse();
    assertThat(bad.get("checked").asLong()).isEqualTo(2);
    assertThat(bad.at("/first_bad/sequence").asLong()).isEqualTo(3);
    assertThat(bad.at("/first_bad/reason").asText()).contains("changed");
  }
}
