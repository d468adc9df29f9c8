package dev.cairn.store.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.core.Json;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookDelivery.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher against real HTTP receivers on loopback. */
class WebhookDispatcherTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final WebhookDispatcher.Options FAST = new WebhookDispatcher.Options(3, Duration.ofMillis(20),
      Duration.ofMillis(200), Duration.ofSeconds(5), 2, 100, Duration.ofMillis(100));

  @TempDir Path dir;
  SqlDatabase db;
  WebhookStore store;
  WebhookDispatcher dispatcher;
  Receiver receiver;

  /** A loopback HTTP receiver answering with the next status of a script (the last one repeats). */
  static final class Receiver implements AutoCloseable {
    record Request(Map<String, List<String>> headers, String body) {
      String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
            .map(e -> e.getValue().get(0)).findFirst().orElse(null);
      }
    }

    final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    Receiver(int... statuses) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/hook", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        requests.add(new Request(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
        int n = calls.getAndIncrement();
        int status = statuses[Math.min(n, statuses.length - 1)];
        byte[] answer = ("answer " + n).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @BeforeEach
  void open() {
    db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(WebhookStore.MIGRATIONS));
    store = new WebhookStore(db);
  }

  @AfterEach
  void close() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    db.close();
  }

  private Webhook subscribe(String url, String secret, String... events) {
    return store.create(new WebhookSpec("hook", null, url, List.of(events), secret, null));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aDeliveryIsSignedSoTheReceiverCanVerifyItWithTheSecret() throws Exception {
    receiver = new Receiver(200);
    subscribe(receiver.url(), "top-secret", WebhookEvents.MODEL_VERSION_CREATED);
    dispatcher = new WebhookDispatcher(store, FAST);
    JsonNode data = Json.MAPPER.readTree("{\"name\":\"churn\",\"version\":\"3\"}");
    String deliveryId = dispatcher.publish(WebhookEvents.MODEL_VERSION_CREATED, data).get(0).id();
    await("delivered", () -> store.delivery(deliveryId).status() == Status.DELIVERED);

    Receiver.Request request = receiver.requests.get(0);
    assertThat(request.header("X-MLflow-Delivery-Id")).isEqualTo(deliveryId);
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    String timestamp = request.header("X-MLflow-Timestamp");
    long now = System.currentTimeMillis() / 1000;
    assertThat(WebhookSignature.verify("top-secret", deliveryId, timestamp, request.body(),
        request.header("X-MLflow-Signature"), now, 300)).isTrue();
    assertThat(WebhookSignature.verify("wrong-secret", deliveryId, timestamp, request.body(),
        request.header("X-MLflow-Signature"), now, 300)).isFalse();
    assertThat(WebhookSignature.verify("top-secret", deliveryId, timestamp, request.body() + " ",
        request.header("X-MLflow-Signature"), now, 300)).as("a changed body").isFalse();
    assertThat(WebhookSignature.verify("top-secret", deliveryId, timestamp, request.body(),
        request.header("X-MLflow-Signature"), now + 3600, 300)).as("a replay an hour later").isFalse();

    JsonNode body = Json.MAPPER.readTree(request.body());
    assertThat(body.get("entity").asText()).isEqualTo("model_version");
    assertThat(body.get("action").asText()).isEqualTo("created");
    assertThat(body.get("data")).isEqualTo(data);
    assertThat(body.get("timestamp").asText()).endsWith("Z");
    WebhookDelivery delivered = store.delivery(deliveryId);
    assertThat(delivered.attempts()).isEqualTo(1);
    assertThat(delivered.lastResponseCode()).isEqualTo(200);
  }

  @Test
  void theSignatureIsHmacSha256OverIdTimestampAndBodyAsMlflowComputesIt() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("k".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "v1," + java.util.Base64.getEncoder().encodeToString(
        mac.doFinal("d1.1700000000.{}".getBytes(StandardCharsets.UTF_8)));
    assertThat(WebhookSignature.sign("k", "d1", "1700000000", "{}")).isEqualTo(expected);
  }

  @Test
  void aReceiverFailingTwiceThenAnsweringGetsThreeAttemptsAndTheDeliveryIsDelivered() throws Exception {
    receiver = new Receiver(500, 500, 200);
    subscribe(receiver.url(), null, WebhookEvents.MODEL_VERSION_ALIAS_CREATED);
    dispatcher = new WebhookDispatcher(store, FAST);
    String id = dispatcher.publish(WebhookEvents.MODEL_VERSION_ALIAS_CREATED,
        Json.MAPPER.readTree("{\"name\":\"m\",\"alias\":\"champion\",\"version\":\"2\"}")).get(0).id();
    await("delivered", () -> store.delivery(id).status() == Status.DELIVERED);
    WebhookDelivery delivery = store.delivery(id);
    assertThat(delivery.attempts()).isEqualTo(3);
    assertThat(delivery.lastResponseCode()).isEqualTo(200);
    assertThat(receiver.calls.get()).isEqualTo(3);
    assertThat(receiver.requests).extracting(r -> r.header("X-MLflow-Delivery-Id")).containsOnly(id);
    assertThat(receiver.requests).extracting(Receiver.Request::body).containsOnly(delivery.payload());
    assertThat(receiver.requests).allSatisfy(r -> assertThat(r.header("X-MLflow-Signature")).isNull());
  }

  @Test
  void aDeadReceiverEndsFailedAfterTheMaximumAttemptsWithTheLastError() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = socket.getLocalPort();
    }
    subscribe("http://127.0.0.1:" + deadPort + "/hook", "s", WebhookEvents.PROMOTION_REQUESTED);
    dispatcher = new WebhookDispatcher(store, FAST);
    String id = dispatcher.publish(WebhookEvents.PROMOTION_REQUESTED, null).get(0).id();
    await("failed", () -> store.delivery(id).status() == Status.FAILED);
    WebhookDelivery failed = store.delivery(id);
    assertThat(failed.attempts()).isEqualTo(3);
    assertThat(failed.lastResponseCode()).isNull();
    assertThat(failed.lastError()).contains("cannot reach http://127.0.0.1:" + deadPort)
        .contains("gave up after 3 attempts");
    assertThat(failed.nextAttemptTime()).isNull();
  }

  @Test
  void a4xxAnswerFailsAtOnceAnd429IsRetried() throws Exception {
    receiver = new Receiver(429, 404);
    subscribe(receiver.url(), null, WebhookEvents.PROMOTION_REJECTED);
    dispatcher = new WebhookDispatcher(store, FAST);
    String id = dispatcher.publish(WebhookEvents.PROMOTION_REJECTED, null).get(0).id();
    await("failed", () -> store.delivery(id).status() == Status.FAILED);
    assertThat(store.delivery(id).attempts()).isEqualTo(2);
    assertThat(store.delivery(id).lastResponseCode()).isEqualTo(404);
    assertThat(store.delivery(id).lastError()).contains("only 429 and 5xx answers are retried");
  }

  @Test
  void pendingDeliveriesSurviveARestartAndAreSentByTheNextDispatcher() throws Exception {
    receiver = new Receiver(200);
    subscribe(receiver.url(), null, WebhookEvents.MODEL_VERSION_CREATED);
    // written while no dispatcher runs, as after a crash between publish and send
    String id = store.enqueue(WebhookEvents.MODEL_VERSION_CREATED, "{\"entity\":\"model_version\"}",
        System.currentTimeMillis()).get(0).id();
    assertThat(receiver.calls.get()).isZero();
    dispatcher = new WebhookDispatcher(store, FAST);
    await("delivered", () -> store.delivery(id).status() == Status.DELIVERED);
    assertThat(receiver.requests).extracting(Receiver.Request::body).containsExactly("{\"entity\":\"model_version\"}");
  }

  @Test
  void deliveriesRecordedInsideAWriteExistOnlyIfItCommits() throws Exception {
    receiver = new Receiver(200);
    Webhook webhook = subscribe(receiver.url(), null, WebhookEvents.ALIAS_ROLLED_BACK);
    dispatcher = new WebhookDispatcher(store, FAST);
    assertThatThrownBy(() -> db.write(h -> {
      dispatcher.record(h, WebhookEvents.ALIAS_ROLLED_BACK, null);
      throw new dev.cairn.core.CairnException(dev.cairn.core.ErrorCode.CONFLICT, "the change failed");
    })).hasMessageContaining("the change failed");
    assertThat(store.deliveries(webhook.id(), 10, null).items()).isEmpty();

    List<WebhookDelivery> recorded = db.write(h -> dispatcher.record(h, WebhookEvents.ALIAS_ROLLED_BACK,
        Json.MAPPER.readTree("{\"name\":\"m\",\"alias\":\"production\",\"version\":\"1\"}")));
    dispatcher.wake();
    await("delivered", () -> store.delivery(recorded.get(0).id()).status() == Status.DELIVERED);
    assertThat(receiver.requests).singleElement()
        .satisfies(r -> assertThat(r.body()).contains("\"action\":\"rolled_back\"").contains("production"));
  }

  @Test
  void onlySubscribedActiveWebhooksReceiveAnEvent() throws Exception {
    receiver = new Receiver(200);
    subscribe(receiver.url(), null, WebhookEvents.PROMOTION_APPROVED);
    dispatcher = new WebhookDispatcher(store, FAST);
    assertThat(dispatcher.publish(WebhookEvents.MODEL_VERSION_CREATED, null)).isEmpty();
    assertThatThrownBy(() -> dispatcher.publish("model.exploded", null)).hasMessageContaining("unknown");
  }

  @Test
  void testSendsAnExampleOnceAndReportsTheAnswerWithoutLoggingIt() throws Exception {
    receiver = new Receiver(201);
    Webhook webhook = subscribe(receiver.url(), "s", WebhookEvents.MODEL_VERSION_ALIAS_DELETED);
    dispatcher = new WebhookDispatcher(store, FAST);
    WebhookDispatcher.TestResult result = dispatcher.test(webhook.id(), null);
    assertThat(result.success()).isTrue();
    assertThat(result.responseStatus()).isEqualTo(201);
    assertThat(result.responseBody()).isEqualTo("answer 0");
    JsonNode body = Json.MAPPER.readTree(receiver.requests.get(0).body());
    assertThat(body.get("entity").asText()).isEqualTo("model_version_alias");
    assertThat(body.get("action").asText()).isEqualTo("deleted");
    assertThat(body.at("/data/alias").asText()).isEqualTo("champion");
    assertThat(store.deliveries(webhook.id(), 10, null).items()).isEmpty();
  }

  @Test
  void aFullQueueLeavesDeliveriesInTheDatabaseUntilASenderIsFree() throws Exception {
    receiver = new Receiver(200);
    Webhook webhook = subscribe(receiver.url(), null, WebhookEvents.MODEL_VERSION_CREATED);
    dispatcher = new WebhookDispatcher(store, new WebhookDispatcher.Options(3, Duration.ofMillis(20),
        Duration.ofMillis(200), Duration.ofSeconds(5), 1, 1, Duration.ofMillis(50)));
    for (int i = 0; i < 20; i++) {
      dispatcher.publish(WebhookEvents.MODEL_VERSION_CREATED, Json.MAPPER.readTree("{\"n\":" + i + "}"));
    }
    await("all delivered", () -> store.deliveries(webhook.id(), 100, null).items().stream()
        .allMatch(d -> d.status() == Status.DELIVERED));
    assertThat(receiver.calls.get()).isEqualTo(20);
    assertThat(store.deliveries(webhook.id(), 100, null).items()).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(1));
  }

  @Test
  void closingDuringAnAttemptLeavesTheDeliveryPendingForTheNextStart() throws Exception {
    java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    HttpServer hanging = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hanging.createContext("/hook", exchange -> {
      arrived.countDown();
      try {
        release.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    hanging.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    hanging.start();
    try {
      subscribe("http://127.0.0.1:" + hanging.getAddress().getPort() + "/hook", null, WebhookEvents.MODEL_VERSION_CREATED);
      WebhookDispatcher first = new WebhookDispatcher(store, new WebhookDispatcher.Options(3, Duration.ofMillis(20),
          Duration.ofMillis(200), Duration.ofSeconds(1), 1, 10, Duration.ofMillis(50)));
      String id = first.publish(WebhookEvents.MODEL_VERSION_CREATED, null).get(0).id();
      assertThat(arrived.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      first.close(); // waits at most the request timeout (1 s) plus a second, then cuts the attempt
      WebhookDelivery afterClose = store.delivery(id);
      assertThat(afterClose.status()).isEqualTo(Status.PENDING);
      // the pool has terminated; its last thread may still be on its way out
      await("the sender threads end", () -> threadNames().stream().noneMatch(n -> n.startsWith("cairn-webhook-sender")));
      release.countDown();

      receiver = new Receiver(200);
      db.write(h -> h.createUpdate("UPDATE webhooks SET url = :url").bind("url", receiver.url()).execute());
      dispatcher = new WebhookDispatcher(store, FAST);
      await("delivered after the restart", () -> store.delivery(id).status() == Status.DELIVERED);
    } finally {
      release.countDown();
      hanging.stop(0);
    }
  }

  @Test
  void backoffDoublesUpToTheCap() {
    dispatcher = new WebhookDispatcher(store, new WebhookDispatcher.Options(10, Duration.ofSeconds(1),
        Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 1, Duration.ofSeconds(1)));
    assertThat(List.of(1, 2, 3, 4, 5, 40)).map(dispatcher::backoffMillis)
        .containsExactly(1000L, 2000L, 4000L, 8000L, 10_000L, 10_000L);
  }

  @Test
  void closeStopsItsNamedThreads() throws Exception {
    dispatcher = new WebhookDispatcher(store, FAST);
    assertThat(threadNames()).contains("cairn-webhooks");
    dispatcher.close();
    await("threads gone", () -> !threadNames().contains("cairn-webhooks")
        && threadNames().stream().noneMatch(n -> n.startsWith("cairn-webhook-sender")));
    assertThat(dispatcher.check().isUp()).isFalse();
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }
}
