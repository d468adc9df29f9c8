package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry changes made over REST reach a subscribed webhook receiver, each as the event MLflow 3 names it. */
class RegistryWebhooksTest {
  @TempDir Path dir;
  TestServer server;
  HttpServer receiver;
  final List<JsonNode> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(dir);
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", exchange -> {
      received.add(Json.MAPPER.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    TestServer.Reply hook = server.post("/api/2.0/mlflow/webhooks", "{\"name\":\"registry\",\"url\":\"http://127.0.0.1:"
        + receiver.getAddress().getPort() + "/hook\",\"secret\":\"s3cret\",\"events\":[\"registered_model.created\","
        + "\"model_version.created\",\"model_version_tag.set\",\"model_version_alias.created\","
        + "\"model_version_alias.deleted\",\"promotion.requested\"]}");
    assertThat(hook.status()).as(hook.toString()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    server.close();
    receiver.stop(0);
  }

  private TestServer.Reply delete(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
  }

  private List<String> events() {
    return received.stream().map(b -> b.path("entity").asText() + "." + b.path("action").asText()).toList();
  }

  private void awaitEvents(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (received.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(received).as("deliveries received").hasSizeGreaterThanOrEqualTo(n);
  }

  @Test
  void eachRegistryChangeIsDeliveredOnceWithItsData() throws Exception {
    String api = "/api/2.0/mlflow/";
    assertThat(server.post(api + "registered-models/create", "{\"name\":\"churn\"}").status()).isEqualTo(200);
    assertThat(server.post(api + "model-versions/create", "{\"name\":\"churn\",\"source\":\"s3://b/m\"}").status())
        .isEqualTo(200);
    assertThat(server.post(api + "model-versions/set-tag",
        "{\"name\":\"churn\",\"version\":\"1\",\"key\":\"validated\",\"value\":\"yes\"}").status()).isEqualTo(200);
    assertThat(server.post(api + "registered-models/alias",
        "{\"name\":\"churn\",\"alias\":\"champion\",\"version\":\"1\"}").status()).isEqualTo(200);
    assertThat(delete(api + "registered-models/alias", "{\"name\":\"churn\",\"alias\":\"champion\"}").status())
        .isEqualTo(200);
    awaitEvents(5);
    assertThat(events()).containsExactlyInAnyOrder("registered_model.created", "model_version.created",
        "model_version_tag.set", "model_version_alias.created", "model_version_alias.deleted");
    JsonNode alias = received.stream().filter(b -> b.path("entity").asText().equals("model_version_alias")
        && b.path("action").asText().equals("created")).findFirst().orElseThrow();
    assertThat(alias.at("/data/name").asText()).isEqualTo("churn");
    assertThat(alias.at("/data/alias").asText()).isEqualTo("champion");
    assertThat(alias.at("/data/version").asText()).isEqualTo("1");
    JsonNode version = received.stream().filter(b -> b.path("entity").asText().equals("model_version")
        && b.path("action").asText().equals("created")).findFirst().orElseThrow();
    assertThat(version.at("/data/source").asText()).isEqualTo("s3://b/m");
  }

  @Test
  void aRefusedChangeSendsNothingAndAPromotionRequestIsAnnounced() throws Exception {
    String api = "/api/2.0/mlflow/";
    server.post(api + "registered-models/create", "{\"name\":\"churn\"}");
    server.post(api + "model-versions/create", "{\"name\":\"churn\",\"source\":\"s3://b/m\"}");
    assertThat(server.post("/api/cairn/v1/registry/policies/set",
        "{\"name\":\"churn\",\"alias\":\"production\",\"required_approvals\":1}").status()).isEqualTo(200);
    TestServer.Reply refused = server.post(api + "registered-models/alias",
        "{\"name\":\"churn\",\"alias\":\"production\",\"version\":\"1\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.text()).contains("request a promotion");
    TestServer.Reply requested = server.post("/api/cairn/v1/registry/promotions/request",
        "{\"name\":\"churn\",\"alias\":\"production\",\"version\":\"1\",\"reason\":\"first model\"}");
    assertThat(requested.status()).as(requested.toString()).isEqualTo(200);
    awaitEvents(3);
    Thread.sleep(300); // a delivery for the refused alias move would have been sent by now as well
    assertThat(events()).containsExactlyInAnyOrder("registered_model.created", "model_version.created",
        "promotion.requested");
    JsonNode promotion = received.stream().filter(b -> b.path("entity").asText().equals("promotion")).findFirst()
        .orElseThrow();
    assertThat(promotion.at("/data/request_id").asText())
        .isEqualTo(requested.json().at("/request/request_id").asText());
    assertThat(promotion.at("/data/requester").asText()).isEqualTo("local");
  }
}
