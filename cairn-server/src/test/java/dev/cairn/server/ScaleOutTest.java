package dev.cairn.server;

import static dev.cairn.server.InferenceRoutesTest.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.identity.Role;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.server.registry.ModelIntegrity;
import dev.cairn.store.identity.IdentityStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on the production backends: a server and two serving replicas in this JVM on loopback, sharing one
 * embedded PostgreSQL and one in-process S3 (s3proxy). Models are registered and deployed through the server only;
 * the replicas see them, follow alias moves and deletes made there, and log predictions where the server's monitor
 * windows count them.
 */
class ScaleOutTest {
  private static final String BUCKET = "cairn-scale-out";
  /** Short, so the tests wait little; the default is {@link ServingReplica#DEFAULT_REFRESH}. */
  private static final Duration REFRESH = Duration.ofMillis(200);
  /** A bound on every wait for a change to reach a replica or for logged predictions to be written. */
  private static final long WAIT_MILLIS = 60_000;
  private static final List<String> SERVED = List.of("scored", "moving", "watched", "doomed");

  @TempDir static Path dir;
  static EmbeddedPostgres postgres;
  static S3Proxy s3;
  static TestServer server;
  static CairnServer.ServerConfig replicaConfig;
  static CairnServer first;
  static CairnServer second;
  static Path logistic;
  static Path forest;
  static List<InputField> schema;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    FilesystemNio2BlobStore blobStore = new FilesystemNio2BlobStore(Files.createDirectories(dir.resolve("s3"))
        .toString());
    blobStore.createContainer(BUCKET);
    s3 = S3Proxy.builder().blobStore(blobStore).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret-key").build();
    s3.start();
    String backend = "postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
    Map<String, String> options = Map.of("endpoint", "http://127.0.0.1:" + s3.getPort(), "region", "us-east-1",
        "accessKeyId", "access", "secretAccessKey", "secret-key");
    String artifacts = "s3://" + BUCKET + "/artifacts";
    // the server's signing keys go to this test's folder, not ./cairn-data (its default beside PostgreSQL)
    String keys = System.setProperty(ModelIntegrity.KEY_DIR_PROPERTY, dir.resolve("signing").toString());
    try {
      server = TestServer.start(dir.resolve("server"), backend, artifacts, options);
    } finally {
      restore(keys);
    }

    logistic = TestBundles.write(dir.resolve("b1"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of());
    forest = TestBundles.write(dir.resolve("b2"), "random_forest", Task.CLASSIFICATION, Map.of(), Map.of());
    try (LoadedModel m = ModelRuntime.defaults().load(logistic)) {
      schema = m.inputSchema();
    }
    String experiment = server.createExperiment("scale-out");
    for (String model : List.of("churn", "movable")) {
      ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"" + model + "\"}"));
      InferenceRoutesTest.register(server, experiment, model, logistic); // version 1
      InferenceRoutesTest.register(server, experiment, model, forest); // version 2
      alias(model, "live", 1);
    }
    deploy("scored", "churn@live");
    deploy("moving", "movable@live");
    deploy("watched", "churn@live");
    deploy("doomed", "churn/1");
    deploy("unlisted", "churn/1");
    deploy("drained", "churn/1");

    replicaConfig = new CairnServer.ServerConfig("127.0.0.1", 0, backend, artifacts, options);
    first = ServingReplica.start(replicaConfig, SERVED, REFRESH);
    second = ServingReplica.start(replicaConfig, SERVED, REFRESH);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {first, second, server}) {
      if (c != null) {
        c.close();
      }
    }
    if (s3 != null) {
      s3.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static void restore(String keys) {
    if (keys == null) {
      System.clearProperty(ModelIntegrity.KEY_DIR_PROPERTY);
    } else {
      System.setProperty(ModelIntegrity.KEY_DIR_PROPERTY, keys);
    }
  }

  static void deploy(String name, String target) {
    ok(server.post("/api/cairn/v1/deployments", "{\"name\":\"" + name + "\",\"routes\":[{\"target\":\"" + target
        + "\",\"weight\":100}]}"));
  }

  static void alias(String model, String alias, int version) {
    ok(server.post("/api/2.0/mlflow/registered-models/alias", "{\"name\":\"" + model + "\",\"alias\":\"" + alias
        + "\",\"version\":\"" + version + "\"}"));
  }

  /** An OIP infer call to {@code node}: status and body. */
  static HttpResponse<String> infer(String baseUrl, String deployment, List<Map<String, Object>> rows,
      String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/v2/models/" + deployment + "/infer"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(RequestBodies.oipColumns(schema, rows, false)));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return send(b);
  }

  static HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> labels(JsonNode oip) {
    List<String> out = new ArrayList<>();
    oip.at("/outputs/0/data").forEach(n -> out.add(n.asText()));
    return out;
  }

  static List<String> expectedLabels(Path bundle, List<Map<String, Object>> rows) {
    try (LoadedModel m = ModelRuntime.defaults().load(bundle)) {
      return List.of(m.predict(rows).labels());
    }
  }

  /** Calls {@code probe} until {@code done} holds of its answer, at most {@link #WAIT_MILLIS}; returns that answer. */
  static <T> T await(String what, java.util.function.Supplier<T> probe, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMillis(WAIT_MILLIS).toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + WAIT_MILLIS + " ms; last seen: " + last);
      }
      Thread.sleep(50);
      last = probe.get();
    }
    return last;
  }

  @Test
  void bothReplicasAnswerWithTheServersPredictions() {
    List<Map<String, Object>> rows = TestBundles.rows(30, 7);
    JsonNode fromFirst = json(infer(first.url(), "scored", rows, null));
    JsonNode fromSecond = json(infer(second.url(), "scored", rows, null));
    JsonNode fromServer = json(infer(server.url(""), "scored", rows, null));
    assertThat(labels(fromFirst)).isEqualTo(expectedLabels(logistic, rows))
        .isEqualTo(labels(fromSecond)).isEqualTo(labels(fromServer));
    assertThat(fromFirst.at("/outputs/0/data")).isEqualTo(fromSecond.at("/outputs/0/data"));
    assertThat(fromFirst.get("model_version").asText()).isEqualTo("1");
    assertThat(fromSecond.get("model_version").asText()).isEqualTo("1");
    assertThat(fromFirst.at("/parameters/prediction_ids")).hasSize(30);
  }

  @Test
  void anAliasMovedThroughTheServerReachesBothReplicasWithNoFailedRequest() throws Exception {
    List<Map<String, Object>> rows = TestBundles.rows(20, 3);
    assertThat(json(infer(first.url(), "moving", rows, null)).get("model_version").asText()).isEqualTo("1");
    // load on both replicas throughout the move: the hot swap must fail none of it
    AtomicBoolean loading = new AtomicBoolean(true);
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger answered = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (CairnServer replica : List.of(first, second)) {
      Thread t = new Thread(() -> {
        while (loading.get()) {
          HttpResponse<String> r = infer(replica.url(), "moving", TestBundles.rows(1, answered.get()), null);
          if (r.statusCode() == 200) {
            answered.incrementAndGet();
          } else {
            failures.add(r.statusCode() + " " + r.body());
          }
        }
      }, "scale-out-load");
      t.start();
      clients.add(t);
    }
    long movedAt = System.nanoTime();
    alias("movable", "live", 2);
    try {
      for (CairnServer replica : List.of(first, second)) {
        JsonNode moved = await("the alias move reaching " + replica.url(), () -> json(infer(replica.url(), "moving",
            rows, null)), a -> a.get("model_version").asText().equals("2"));
        System.out.printf("alias move reached %s after %d ms (refresh every %d ms)%n", replica.url(),
            (System.nanoTime() - movedAt) / 1_000_000, REFRESH.toMillis());
        assertThat(labels(moved)).isEqualTo(expectedLabels(forest, rows));
      }
    } finally {
      loading.set(false);
      for (Thread t : clients) {
        t.join(WAIT_MILLIS);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(answered.get()).isPositive();
    System.out.printf("%d requests answered on the two replicas during the move, none failed%n", answered.get());
  }

  @Test
  void predictionsServedByBothReplicasCountInOneMonitorWindow() throws InterruptedException {
    long from = System.currentTimeMillis() - 1;
    List<JsonNode> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(json(infer(first.url(), "watched", TestBundles.rows(2, i), null)));
    }
    for (int i = 0; i < 5; i++) {
      answers.add(json(infer(second.url(), "watched", TestBundles.rows(4, 10 + i), null)));
    }
    String range = "?from=" + from + "&to=" + (System.currentTimeMillis() + 60_000) + "&window_minutes=60";
    // 8 calls of 26 rows in all: the log keeps one record per row, and a window counts each call once
    long expected = 3 * 2 + 5 * 4;
    JsonNode windows = await("the replicas' predictions reaching the monitor", () -> ok(server.get(
        "/api/cairn/v1/deployments/watched/monitor" + range)).get("windows"), w -> sum(w, "predictions") >= expected);
    assertThat(sum(windows, "requests")).isEqualTo(3 + 5);
    assertThat(sum(windows, "predictions")).isEqualTo(expected);
    assertThat(windows).allSatisfy(w -> assertThat(w.get("model_version").asInt()).isEqualTo(1));

    // feedback sent to the server on one row from each replica: both count, the predicted label is right
    com.fasterxml.jackson.databind.node.ObjectNode feedback = Json.MAPPER.createObjectNode();
    for (JsonNode answer : List.of(answers.get(0), answers.get(answers.size() - 1))) {
      feedback.withArray("feedback").addObject()
          .put("prediction_id", answer.at("/parameters/prediction_ids/0").asText())
          .put("label", answer.at("/outputs/0/data/0").asText());
    }
    ok(server.post("/api/cairn/v1/deployments/watched/feedback", feedback.toString()));
    JsonNode judged = ok(server.get("/api/cairn/v1/deployments/watched/monitor" + range)).at("/windows/0");
    assertThat(judged.get("feedback").asInt()).isEqualTo(2);
    assertThat(judged.get("accuracy").asDouble()).isEqualTo(1.0);
  }

  @Test
  void aStoppedReplicaHasWrittenEveryPredictionItAnswered() {
    long from = System.currentTimeMillis() - 1;
    try (CairnServer stopping = ServingReplica.start(replicaConfig, List.of("drained"), REFRESH)) {
      for (int i = 0; i < 4; i++) {
        json(infer(stopping.url(), "drained", TestBundles.rows(3, 20 + i), null));
      }
    } // closing writes the queued log before the database closes: no wait needed after it
    JsonNode windows = ok(server.get("/api/cairn/v1/deployments/drained/monitor?from=" + from + "&to="
        + (System.currentTimeMillis() + 60_000))).get("windows");
    assertThat(sum(windows, "predictions")).isEqualTo(4 * 3);
  }

  static long sum(JsonNode windows, String figure) {
    long sum = 0;
    for (JsonNode w : windows) {
      sum += w.at("/operations/" + figure).asLong();
    }
    return sum;
  }

  @Test
  void aDeploymentDeletedThroughTheServerStopsAnsweringOnBothReplicas() throws InterruptedException {
    List<Map<String, Object>> rows = TestBundles.rows(2, 5);
    assertThat(infer(second.url(), "doomed", rows, null).statusCode()).isEqualTo(200);
    assertThat(server.delete("/api/cairn/v1/deployments/doomed").status()).isEqualTo(200);
    for (CairnServer replica : List.of(first, second)) {
      HttpResponse<String> gone = await("the delete reaching " + replica.url(),
          () -> infer(replica.url(), "doomed", rows, null), r -> r.statusCode() == 404);
      assertThat(gone.body()).contains("doomed");
    }
  }

  @Test
  void aReplicaServesOnlyItsDeploymentsAndOnlyInference() {
    HttpResponse<String> other = infer(first.url(), "unlisted", TestBundles.rows(1, 1), null);
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).contains("not served by this replica");
    assertThat(get(first.url() + "/api/2.0/mlflow/experiments/search?max_results=1").statusCode()).isEqualTo(404);
    assertThat(get(first.url() + "/api/cairn/v1/deployments").statusCode()).isEqualTo(404);
    assertThat(get(first.url() + "/health").statusCode()).isEqualTo(200);
    assertThat(get(first.url() + "/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(first.routes()).contains("POST /v2/models/{deployment}/infer",
        "POST /deployments/{deployment}/invocations", "GET /metrics");
  }

  @Test
  void anUnknownDeploymentFailsTheStartNamingIt() {
    assertThatThrownBy(() -> ServingReplica.start(replicaConfig, List.of("scored", "nowhere"), REFRESH))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("deployment 'nowhere' does not exist")
        .hasMessageNotContaining("password");
  }

  @Test
  void aSqliteBackendIsRefusedWithTheReason() {
    CairnServer.ServerConfig sqlite = replicaConfig.withBackendStoreUri("sqlite:" + dir.resolve("local/cairn.db"));
    assertThatThrownBy(() -> ServingReplica.start(sqlite, List.of("scored"), REFRESH))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("they need PostgreSQL")
        .hasMessageContaining("cairn server");
    assertThat(dir.resolve("local/cairn.db")).doesNotExist(); // refused before anything was opened
  }

  @Test
  void withAuthenticationAReplicaAcceptsTheSharedDatabasesTokens() {
    IdentityStore identity = IdentityStore.on(server.server.database());
    identity.createUserWithRole("scorer", null, Role.VIEWER);
    String secret = identity.createToken("scorer", "replica", null).secret();
    try (CairnServer guarded = ServingReplica.start(replicaConfig.withAuth(true), List.of("scored"), REFRESH)) {
      List<Map<String, Object>> rows = TestBundles.rows(3, 9);
      assertThat(infer(guarded.url(), "scored", rows, null).statusCode()).isEqualTo(401);
      assertThat(json(infer(guarded.url(), "scored", rows, "Bearer " + secret)).get("model_version").asText())
          .isEqualTo("1");
      assertThat(get(guarded.url() + "/v2/health/live").statusCode()).isEqualTo(200); // probes need no token
    }
  }
}
