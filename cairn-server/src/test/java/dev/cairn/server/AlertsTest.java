package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.alerts.AlertEvaluator;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.store.webhooks.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts on a real server: a model trained here is registered and deployed twice, traffic from fixed seeds is scored
 * over OIP v2 (one deployment like training, one with tenure shifted), and a drift rule fires on the shifted one only,
 * then resolves when its traffic returns to normal; notifications reach a real local receiver, signed, retried after
 * a first failure, and in Slack's shape for a Slack target.
 */
class AlertsTest {
  static final String SECRET = "alert-secret";
  static final long MINUTE = 60_000;

  @TempDir static Path dir;
  static TestServer server;
  static List<InputField> schema;
  static HttpServer receiver;
  static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  static final AtomicInteger opsCalls = new AtomicInteger();
  static final java.util.Set<String> opsFailed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  record Received(String path, String deliveryId, String timestamp, String signature, String body) {}

  @BeforeAll
  static void start() throws IOException {
    System.setProperty("cairn.alerts.interval-seconds", "0"); // rounds are run by the test, at chosen times
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    for (String path : List.of("/ops", "/slack")) {
      receiver.createContext(path, exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String delivery = exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_ID_HEADER);
        opsCalls.incrementAndGet();
        boolean failFirst = path.equals("/ops") && opsFailed.add(delivery); // each delivery's first attempt fails
        if (!failFirst) {
          received.add(new Received(path, exchange.getRequestHeaders().getFirst(WebhookSignature.DELIVERY_ID_HEADER),
              exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
              exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
              new String(body, StandardCharsets.UTF_8)));
        }
        exchange.sendResponseHeaders(failFirst ? 503 : 200, -1);
        exchange.close();
      });
    }
    receiver.start();
    Path bundle = TestBundles.write(dir.resolve("b"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of(),
        true);
    try (LoadedModel m = ModelRuntime.defaults().load(bundle)) {
      schema = m.inputSchema();
    }
    server = TestServer.start(dir.resolve("server"));
    String experiment = server.createExperiment("alerts");
    ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}"));
    register(experiment, bundle);
    for (String d : List.of("steady", "shifted")) {
      ok(server.post("/api/cairn/v1/deployments", "{\"name\":\"" + d + "\",\"routes\":[{\"target\":\"churn/1\","
          + "\"weight\":100}]}"));
    }
    String hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
    ok(server.post("/api/2.0/mlflow/webhooks", "{\"name\":\"ops\",\"url\":\"" + hooks + "/ops\",\"secret\":\""
        + SECRET + "\",\"events\":[\"alert.firing\",\"alert.resolved\"]}"));
    ok(server.post("/api/2.0/mlflow/webhooks", "{\"name\":\"slack\",\"url\":\"" + hooks + "/slack\","
        + "\"events\":[\"model_version.created\"]}"));
  }

  @AfterAll
  static void stop() {
    System.clearProperty("cairn.alerts.interval-seconds");
    if (server != null) {
      server.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static void register(String experiment, Path bundle) {
    JsonNode info = ok(server.post("/api/2.0/mlflow/logged-models", "{\"experiment_id\":\"" + experiment
        + "\",\"name\":\"churn\"}")).at("/model/info");
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
    ok(server.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"churn\",\"source\":\"" + artifactUri
        + "\",\"model_id\":\"" + info.get("model_id").asText() + "\"}"));
  }

  static TestServer.Reply put(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Scores the rows over OIP v2 in one request and returns its logged time once the log has every row. */
  static long score(String deployment, List<Map<String, Object>> rows) throws InterruptedException {
    int before = predictions(deployment).size();
    ok(server.send(HttpRequest.newBuilder(URI.create(server.url("/v2/models/" + deployment + "/infer")))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(RequestBodies.oipColumns(schema, rows, false)))));
    waitFor(() -> predictions(deployment).size() == before + rows.size()); // one logged prediction a row
    return predictions(deployment).get(0).get("timestamp").asLong();
  }

  static List<JsonNode> predictions(String deployment) {
    List<JsonNode> out = new ArrayList<>();
    ok(server.get("/api/cairn/v1/deployments/" + deployment + "/predictions?max_results=1000&from=" + (System.currentTimeMillis() - 60 * MINUTE) + "&to="
        + (System.currentTimeMillis() + MINUTE))).get("predictions").forEach(out::add);
    out.sort((a, b) -> Long.compare(b.get("timestamp").asLong(), a.get("timestamp").asLong()));
    return out;
  }

  static List<Map<String, Object>> shifted(List<Map<String, Object>> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Map<String, Object> o = new HashMap<>(row);
      o.computeIfPresent("tenure", (k, v) -> (Double) v + 30); // customers now stay 30 months longer
      out.add(o);
    }
    return out;
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 120 s");
      }
      Thread.sleep(10);
    }
  }

  /** Waits, if needed, so that the next 20 seconds stay within one minute window. */
  static void awaitRoomInThisMinute() throws InterruptedException {
    waitFor(() -> System.currentTimeMillis() % MINUTE < 40_000);
  }

  @Test
  void aDriftRuleFiresOnShiftedTrafficStaysQuietOnTrafficLikeTrainingAndResolvesWhenTrafficReturns()
      throws Exception {
    JsonNode saved = ok(put("/api/cairn/v1/alert-rules/tenure-drift", "{\"condition\":\"drift_share > 0.2\","
        + "\"window_minutes\":1,\"severity\":\"critical\",\"notify\":[{\"webhook\":\"slack\",\"format\":\"slack\"}]}"));
    assertThat(saved.get("change").asText()).isEqualTo("created");
    assertThat(saved.at("/rule/deployment").asText()).isEqualTo("*");
    ok(put("/api/cairn/v1/alert-rules/steady-busy", "{\"deployment\":\"steady\",\"condition\":\"requests >= 1\","
        + "\"window_minutes\":1,\"severity\":\"info\"}"));
    AlertEvaluator evaluator = server.server.alertEvaluator();

    awaitRoomInThisMinute();
    long steadyAt = score("steady", TestBundles.rows(400, 33));
    long shiftedAt = score("shifted", shifted(TestBundles.rows(400, 33)));
    long slot = Math.floorDiv(shiftedAt, MINUTE) * MINUTE;
    assertThat(Math.floorDiv(steadyAt, MINUTE) * MINUTE).isEqualTo(slot);

    // before the window closes nothing is judged
    AlertEvaluator.Round early = evaluator.evaluate(slot + MINUTE, false);
    assertThat(early.fired()).isEmpty();

    AlertEvaluator.Round first = evaluator.evaluate(slot + MINUTE + MonitorService.GRACE_MS, false);
    assertThat(first.fired()).extracting(a -> a.rule() + "@" + a.deployment())
        .containsExactlyInAnyOrder("tenure-drift@shifted", "steady-busy@steady");
    var drift = first.fired().stream().filter(a -> a.rule().equals("tenure-drift")).findFirst().orElseThrow();
    assertThat(drift.figures()).containsEntry("drift_share", 0.25);
    assertThat(drift.detail()).contains("drift_share > 0.2: 0.25 > 0.2 -> true");
    assertThat(drift.windowFrom()).isEqualTo(slot);
    assertThat(drift.severity()).isEqualTo("critical");
    assertThat(drift.modelName() + "/" + drift.modelVersion()).isEqualTo("churn/1");

    // the same windows again: nothing new fires
    AlertEvaluator.Round again = evaluator.evaluate(slot + MINUTE + MonitorService.GRACE_MS, false);
    assertThat(again.fired()).isEmpty();
    assertThat(again.resolved()).isEmpty();

    JsonNode firing = ok(server.get("/api/cairn/v1/alerts?state=firing&rule=tenure-drift")).get("alerts");
    assertThat(firing).hasSize(1);
    assertThat(firing.get(0).get("deployment").asText()).isEqualTo("shifted");
    assertThat(ok(server.get("/api/cairn/v1/alerts?deployment=steady&rule=tenure-drift")).get("alerts")).isEmpty();
    assertThat(ok(server.get("/api/cairn/v1/alerts/" + drift.id())).at("/alert/state").asText()).isEqualTo("firing");

    JsonNode audit = ok(server.get("/api/cairn/v1/audit?actor=system:alerts")).get("events");
    List<String> actions = new ArrayList<>();
    audit.forEach(e -> actions.add(e.get("action").asText() + " " + e.get("target").asText()));
    assertThat(actions).contains("alert.firing alert:" + drift.id());

    // the ops webhook (subscribed to alert events) answers each delivery's first attempt with 503: the retry brings
    // the signed body
    waitFor(() -> received.stream().anyMatch(r -> r.path().equals("/ops") && r.body().contains(drift.id())));
    Received ops = received.stream().filter(r -> r.path().equals("/ops") && r.body().contains(drift.id()))
        .findFirst().orElseThrow();
    assertThat(opsCalls.get()).isGreaterThanOrEqualTo(2);
    assertThat(WebhookSignature.verify(SECRET, ops.deliveryId(), ops.timestamp(), ops.body(), ops.signature(),
        System.currentTimeMillis() / 1000, 300)).isTrue();
    assertThat(WebhookSignature.verify("wrong", ops.deliveryId(), ops.timestamp(), ops.body(), ops.signature(),
        System.currentTimeMillis() / 1000, 300)).isFalse();
    JsonNode opsBody = Json.MAPPER.readTree(ops.body());
    assertThat(opsBody.get("entity").asText()).isEqualTo("alert");
    assertThat(opsBody.get("action").asText()).isEqualTo("firing");
    assertThat(opsBody.at("/data/rule").asText()).isEqualTo("tenure-drift");
    String opsId = webhookId("ops");
    waitFor(() -> delivered(opsId, ops.deliveryId()) != null);
    JsonNode delivery = delivered(opsId, ops.deliveryId());
    assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
    assertThat(delivery.get("event").asText()).isEqualTo("alert.firing");

    // the Slack target gets {"text": ...} only
    waitFor(() -> received.stream().anyMatch(r -> r.path().equals("/slack") && r.body().contains("FIRING")));
    Received slack = received.stream().filter(r -> r.path().equals("/slack")).findFirst().orElseThrow();
    JsonNode slackBody = Json.MAPPER.readTree(slack.body());
    assertThat(slackBody.size()).isEqualTo(1);
    assertThat(slackBody.get("text").asText()).startsWith("[critical] alert tenure-drift FIRING on shifted (churn/1)")
        .contains("0.25 > 0.2");
    assertThat(slack.signature()).isNull(); // that webhook has no secret

    // traffic like training again, in the next window: the alert resolves
    waitFor(() -> System.currentTimeMillis() >= slot + MINUTE);
    awaitRoomInThisMinute();
    long normalAt = score("shifted", TestBundles.rows(400, 34));
    long next = Math.floorDiv(normalAt, MINUTE) * MINUTE;
    AlertEvaluator.Round second = evaluator.evaluate(next + MINUTE + MonitorService.GRACE_MS, false);
    assertThat(second.fired()).isEmpty();
    assertThat(second.resolved()).extracting(a -> a.id()).containsExactly(drift.id());
    assertThat(second.resolved().get(0).resolveDetail()).contains("drift_share > 0.2: 0 > 0.2 -> false");
    JsonNode resolved = ok(server.get("/api/cairn/v1/alerts/" + drift.id())).get("alert");
    assertThat(resolved.get("state").asText()).isEqualTo("resolved");
    assertThat(resolved.get("resolved_at").asLong()).isPositive();
    waitFor(() -> received.stream().anyMatch(r -> r.path().equals("/ops") && r.body().contains("\"resolved\"")));
    waitFor(() -> received.stream().anyMatch(r -> r.path().equals("/slack") && r.body().contains("resolved on")));

    // filters and paging of the list: firing first, then by firing time
    JsonNode firstPage = ok(server.get("/api/cairn/v1/alerts?max_results=1"));
    assertThat(firstPage.at("/alerts/0/rule").asText()).isEqualTo("steady-busy");
    JsonNode secondPage = ok(server.get("/api/cairn/v1/alerts?max_results=1&page_token="
        + firstPage.get("next_page_token").asText()));
    assertThat(secondPage.at("/alerts/0/alert_id").asText()).isEqualTo(drift.id());
    assertThat(secondPage.has("next_page_token")).isFalse();
    assertThat(ok(server.get("/api/cairn/v1/alerts?from=" + (drift.firedAt() + 1))).get("alerts")).isEmpty();
    // the rules ran in name order: steady-busy fired just before tenure-drift
    assertThat(ok(server.get("/api/cairn/v1/alerts?from=" + (drift.firedAt() - MINUTE) + "&to=" + (drift.firedAt()
        + 1))).get("alerts")).hasSize(2);
    assertThat(server.get("/api/cairn/v1/alerts?state=burning").status()).isEqualTo(400);

    // the history page: the steady rule still fires and comes first, the resolved drift alert after it
    TestServer.Reply page = server.get("/ui/alerts");
    assertThat(page.status()).isEqualTo(200);
    String html = page.text();
    assertThat(html).contains("<main>").contains("steady-busy").contains("tenure-drift");
    int firingRow = html.indexOf("data-state=\"firing\"");
    int resolvedRow = html.indexOf("data-state=\"resolved\"");
    assertThat(firingRow).isPositive().isLessThan(resolvedRow);
    String filtered = server.get("/ui/alerts?deployment=shifted&state=resolved").text();
    assertThat(filtered).contains(drift.id()).doesNotContain("steady-busy");
    assertThat(server.get("/ui/alerts?state=bogus").status()).isEqualTo(400);
  }

  /** The delivery once it is recorded as delivered, else null. */
  static JsonNode delivered(String webhookId, String deliveryId) {
    for (JsonNode d : ok(server.get("/api/cairn/v1/webhooks/" + webhookId + "/deliveries")).get("deliveries")) {
      if (d.get("delivery_id").asText().equals(deliveryId) && d.get("status").asText().equals("DELIVERED")) {
        return d;
      }
    }
    return null;
  }

  static String webhookId(String name) {
    for (JsonNode w : ok(server.get("/api/2.0/mlflow/webhooks")).get("webhooks")) {
      if (w.get("name").asText().equals(name)) {
        return w.get("webhook_id").asText();
      }
    }
    throw new AssertionError("no webhook " + name);
  }

  @Test
  void aBadConditionIsRefusedWith400NamingTheFieldAndCharacterOverTheApiAndInYaml() {
    TestServer.Reply api = put("/api/cairn/v1/alert-rules/bad", "{\"condition\":\"drift_share >> 0.2\"}");
    assertThat(api.status()).isEqualTo(400);
    assertThat(api.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(api.json().get("message").asText()).startsWith("field 'condition': ").contains("at character 14");
    TestServer.Reply unknown = server.post("/api/cairn/v1/alert-rules", "{\"name\":\"bad\",\"condition\":\"p999_ms > 1\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("message").asText()).contains("field 'condition'").contains("unknown metric 'p999_ms'");
    TestServer.Reply baseline = server.post("/api/cairn/v1/alert-rules",
        "{\"name\":\"bad\",\"condition\":\"accuracy < baseline - 0.1\"}");
    assertThat(baseline.json().get("message").asText()).contains("no baseline");
    TestServer.Reply hook = server.post("/api/cairn/v1/alert-rules",
        "{\"name\":\"bad\",\"condition\":\"p99_ms > 100\",\"notify\":[{\"webhook\":\"nowhere\"}]}");
    assertThat(hook.status()).isEqualTo(400);
    assertThat(hook.json().get("message").asText()).contains("notify[0].webhook").contains("nowhere");

    String yaml = """
        rules:
          - name: latency
            deployment: steady
            condition: p99_ms >> 100
            window_minutes: 5
        """;
    TestServer.Reply applied = server.send(HttpRequest.newBuilder(URI.create(server.url(
        "/api/cairn/v1/alert-rules/apply?file=rules.yaml"))).header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)));
    assertThat(applied.status()).isEqualTo(400);
    assertThat(applied.json().get("message").asText())
        .startsWith("rules.yaml line 4, key 'rules[0].condition': field 'condition': ").contains("at character 9");
    assertThat(server.get("/api/cairn/v1/alert-rules/latency").status()).isEqualTo(404);
  }

  @Test
  void applyingARulesFileIsAnIdempotentUpsertThatSaysWhatChanged() {
    String yaml = """
        rules:
          - name: slow
            deployment: steady
            condition: p99_ms > 100
            window_minutes: 5
          - name: wrong
            condition: accuracy < 0.8 over 3 windows
        """;
    List<String> first = changes(yaml);
    assertThat(first).containsExactly("slow created", "wrong created");
    assertThat(changes(yaml)).containsExactly("slow unchanged", "wrong unchanged");
    assertThat(changes(yaml.replace("p99_ms > 100", "p99_ms > 200"))).containsExactly("slow updated", "wrong unchanged");
    JsonNode rule = ok(server.get("/api/cairn/v1/alert-rules/slow")).get("rule");
    assertThat(rule.get("condition").asText()).isEqualTo("p99_ms > 200");
    assertThat(rule.get("window_minutes").asInt()).isEqualTo(5);
    ok(server.delete("/api/cairn/v1/alert-rules/slow"));
    ok(server.delete("/api/cairn/v1/alert-rules/wrong"));
    assertThat(server.get("/api/cairn/v1/alert-rules/slow").status()).isEqualTo(404);
  }

  static List<String> changes(String yaml) {
    JsonNode out = ok(server.send(HttpRequest.newBuilder(URI.create(server.url(
        "/api/cairn/v1/alert-rules/apply?file=rules.yaml"))).POST(HttpRequest.BodyPublishers.ofString(yaml))));
    List<String> list = new ArrayList<>();
    out.get("changes").forEach(c -> list.add(c.get("name").asText() + " " + c.get("change").asText()));
    return list;
  }
}
