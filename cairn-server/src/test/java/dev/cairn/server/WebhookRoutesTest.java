package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.store.webhooks.WebhookEvents;
import dev.cairn.store.webhooks.WebhookSignature;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow 3's webhook routes and Cairn's delivery log on a real server, with a receiver on loopback. */
class WebhookRoutesTest {
  static final String SECRET = "whsec-do-not-leak-42";

  @TempDir Path dir;
  TestServer server;
  HttpServer receiver;
  final List<String[]> received = new CopyOnWriteArrayList<>(); // {delivery id, timestamp, signature, body}

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir);
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new String[] {exchange.getRequestHeaders().getFirst("X-MLflow-Delivery-Id"),
          exchange.getRequestHeaders().getFirst("X-MLflow-Timestamp"),
          exchange.getRequestHeaders().getFirst("X-MLflow-Signature"), body});
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
  }

  String receiverUrl() {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  TestServer.Reply create(String json) {
    return server.post("/api/2.0/mlflow/webhooks", json);
  }

  TestServer.Reply patch(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  String createHook() {
    TestServer.Reply r = create("{\"name\":\"ci\",\"url\":\"" + receiverUrl() + "\",\"secret\":\"" + SECRET + "\","
        + "\"events\":[\"model_version.created\",{\"entity\":\"MODEL_VERSION_ALIAS\",\"action\":\"CREATED\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().at("/webhook/webhook_id").asText();
  }

  @Test
  void createGetListUpdateDeleteFollowMlflowAndNeverShowTheSecret() {
    TestServer.Reply created = create("{\"name\":\"ci\",\"description\":\"tell CI\",\"url\":\"" + receiverUrl()
        + "\",\"secret\":\"" + SECRET + "\",\"events\":[\"model_version.created\","
        + "{\"entity\":\"MODEL_VERSION_ALIAS\",\"action\":\"CREATED\"}, \"promotion.approved\"]}");
    assertThat(created.status()).isEqualTo(200);
    JsonNode webhook = created.json().get("webhook");
    String id = webhook.get("webhook_id").asText();
    assertThat(webhook.get("name").asText()).isEqualTo("ci");
    assertThat(webhook.get("status").asText()).isEqualTo("ACTIVE");
    assertThat(webhook.get("events").toString()).isEqualTo("[{\"entity\":\"MODEL_VERSION\",\"action\":\"CREATED\"},"
        + "{\"entity\":\"MODEL_VERSION_ALIAS\",\"action\":\"CREATED\"},{\"entity\":\"PROMOTION\",\"action\":\"APPROVED\"}]");
    assertThat(webhook.get("creation_timestamp").asLong()).isPositive();

    TestServer.Reply got = server.get("/api/2.0/mlflow/webhooks/" + id);
    assertThat(got.json().get("webhook")).isEqualTo(webhook);
    TestServer.Reply listed = server.get("/ajax-api/2.0/mlflow/webhooks?max_results=10");
    assertThat(listed.json().get("webhooks")).containsExactly(webhook);

    TestServer.Reply updated = patch("/api/2.0/mlflow/webhooks/" + id,
        "{\"status\":\"DISABLED\",\"secret\":\"another-" + SECRET + "\"}");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().at("/webhook/status").asText()).isEqualTo("DISABLED");
    assertThat(updated.json().at("/webhook/url").asText()).isEqualTo(receiverUrl());

    for (TestServer.Reply r : List.of(created, got, listed, updated)) {
      assertThat(r.text()).doesNotContain(SECRET).doesNotContain("secret");
    }

    assertThat(server.delete("/api/2.0/mlflow/webhooks/" + id).status()).isEqualTo(200);
    TestServer.Reply gone = server.get("/api/2.0/mlflow/webhooks/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void badInputIsRefusedWith400AndNothingIsCreated() {
    for (String body : List.of(
        "{\"name\":\"x\",\"url\":\"ftp://127.0.0.1/hook\",\"events\":[\"model_version.created\"]}",
        "{\"name\":\"x\",\"url\":\"file:///etc/passwd\",\"events\":[\"model_version.created\"]}",
        "{\"name\":\"x\",\"url\":\"javascript:alert(1)\",\"events\":[\"model_version.created\"]}",
        "{\"name\":\"x\",\"url\":\"http://user:pw@127.0.0.1/hook\",\"events\":[\"model_version.created\"]}",
        "{\"name\":\"x\",\"url\":\"http://127.0.0.1/hook\",\"events\":[\"model_version.exploded\"]}",
        "{\"name\":\"x\",\"url\":\"http://127.0.0.1/hook\",\"events\":[]}",
        "{\"url\":\"http://127.0.0.1/hook\",\"events\":[\"model_version.created\"]}",
        "{\"name\":\"x\",\"url\":\"http://127.0.0.1/hook\",\"events\":[\"model_version.created\"],\"status\":\"ON\"}",
        "not json")) {
      TestServer.Reply r = create(body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).as(body).isEqualTo("INVALID_PARAMETER_VALUE");
    }
    assertThat(create("{\"name\":\"x\",\"url\":\"ftp://127.0.0.1/hook\",\"events\":[\"model_version.created\"]}")
        .json().get("message").asText()).contains("only http and https");
    assertThat(server.get("/api/2.0/mlflow/webhooks").json().get("webhooks")).isEmpty();
  }

  @Test
  void aPublishedEventIsDeliveredSignedAndShownInTheDeliveryLog() throws Exception {
    String id = createHook();
    server.server.webhooks().publish(WebhookEvents.MODEL_VERSION_CREATED,
        Json.MAPPER.readTree("{\"name\":\"churn\",\"version\":\"1\",\"source\":\"models:/m-1\"}"));
    JsonNode delivery = awaitDelivered(id);
    assertThat(delivery.get("event").asText()).isEqualTo("model_version.created");
    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
    assertThat(delivery.get("last_response_code").asInt()).isEqualTo(204);
    assertThat(delivery.at("/payload/data/name").asText()).isEqualTo("churn");
    assertThat(delivery.at("/payload/entity").asText()).isEqualTo("model_version");

    String[] request = received.get(0);
    assertThat(request[0]).isEqualTo(delivery.get("delivery_id").asText());
    assertThat(WebhookSignature.verify(SECRET, request[0], request[1], request[3], request[2],
        System.currentTimeMillis() / 1000, 300)).isTrue();
    assertThat(server.get("/api/cairn/v1/webhooks/" + id + "/deliveries").text()).doesNotContain(SECRET);
  }

  private JsonNode awaitDelivered(String id) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode deliveries = server.get("/api/cairn/v1/webhooks/" + id + "/deliveries").json().get("deliveries");
      if (deliveries.size() == 1 && deliveries.get(0).get("status").asText().equals("DELIVERED")) {
        return deliveries.get(0);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no delivered delivery for webhook " + id);
  }

  @Test
  void testSendsAnExampleAndAnswersMlflowsTestResult() {
    String id = createHook();
    TestServer.Reply r = server.post("/api/2.0/mlflow/webhooks/" + id + "/test",
        "{\"event\":\"model_version_alias.created\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().at("/result/success").asBoolean()).isTrue();
    assertThat(r.json().at("/result/response_status").asInt()).isEqualTo(204);
    assertThat(received).hasSize(1);
    assertThat(received.get(0)[3]).contains("\"entity\":\"model_version_alias\"").contains("\"alias\":\"champion\"");
    assertThat(server.post("/api/2.0/mlflow/webhooks/nope/test", "{}").status()).isEqualTo(404);
  }

  @Test
  void theDeliveryLogOfAnUnknownWebhookIs404() {
    TestServer.Reply r = server.get("/api/cairn/v1/webhooks/nope/deliveries");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }
}
