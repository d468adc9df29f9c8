package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.canary.CanaryController;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canaries on a real server with authentication on (approvals need people to tell apart): real bundles served over
 * OIP v2, feedback posted for the answers, and the controller's checks run at chosen times (its own timer is off),
 * so {@code --for 30m} passes without waiting.
 */
class CanaryRoutesTest {
  static final String BASE = "/api/cairn/v1/deployments";
  static final long MINUTE = 60_000;
  @TempDir static Path dir;
  static AuthServer server;
  static CanaryController controller;
  static String admin;
  static String editor;
  static String approver;
  static String viewer;
  static Path logistic;
  static Path forest;
  /** A model trained without the 'pro' plan's customers: it refuses rows of that plan, which the others answer. */
  static Path withoutPro;
  static List<InputField> schema;

  /** One answered single-row request. */
  record Answered(int version, String predictionId, String label) {}

  @BeforeAll
  static void start() {
    logistic = TestBundles.write(dir.resolve("b1"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of());
    forest = TestBundles.write(dir.resolve("b2"), "random_forest", Task.CLASSIFICATION, Map.of(), Map.of());
    withoutPro = TestBundles.classifierWithoutPlan(dir.resolve("b3"), "logistic_regression", "pro");
    try (LoadedModel m = ModelRuntime.defaults().load(logistic)) {
      schema = m.inputSchema();
    }
    server = withoutCanaryTimer(() -> AuthServer.start(dir.resolve("server")));
    controller = server.server.canaries();
    admin = AuthServer.bearer(server.adminToken);
    editor = AuthServer.bearer(server.userWithToken("eddie", "editor"));
    approver = AuthServer.bearer(server.userWithToken("abby", "approver"));
    viewer = AuthServer.bearer(server.userWithToken("vera", "viewer"));
  }

  /** A server started by {@code start} whose canary controller checks only when the test says. */
  static AuthServer withoutCanaryTimer(java.util.function.Supplier<AuthServer> start) {
    String before = System.getProperty("cairn.canary.check-seconds");
    System.setProperty("cairn.canary.check-seconds", "0"); // the test runs the checks, at the times it chooses
    try {
      return start.get();
    } finally {
      if (before == null) {
        System.clearProperty("cairn.canary.check-seconds");
      } else {
        System.setProperty("cairn.canary.check-seconds", before);
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonNode ok(AuthServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** Registers versions 1 (logistic regression) and 2 (random forest) of {@code model}, files in the store. */
  static void registerModel(String model) {
    registerModel(model, logistic, forest);
  }

  /** Registers {@code bundles} as versions 1, 2... of {@code model}, files in the store; champion is version 1. */
  static void registerModel(String model, Path... bundles) {
    registerModel(server, admin, model, bundles);
  }

  /** As above, on server {@code on} as {@code adminAuth}. */
  static void registerModel(AuthServer on, String adminAuth, String model, Path... bundles) {
    ok(on.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"" + model + "\"}", adminAuth));
    int v = 1;
    for (Path bundle : bundles) {
      String storePath = "bundles/" + model + "/" + v;
      copy(bundle, on.dir.resolve("artifacts").resolve(storePath).resolve("model"));
      JsonNode created = ok(on.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"" + model
          + "\",\"source\":\"mlflow-artifacts:/" + storePath + "\"}", adminAuth));
      assertThat(created.at("/model_version/version").asInt()).isEqualTo(v);
      v++;
    }
    ok(on.post("/api/2.0/mlflow/registered-models/alias", "{\"name\":\"" + model
        + "\",\"alias\":\"champion\",\"version\":\"1\"}", adminAuth));
  }

  static void copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code n} single-row OIP requests (rows from {@code seed}) and returns who answered each. */
  static List<Answered> infer(String deployment, int n, long seed) {
    List<Answered> out = new ArrayList<>();
    for (Map<String, Object> row : TestBundles.rows(n, seed)) {
      String body = new String(RequestBodies.oipColumns(schema, List.of(row), false), StandardCharsets.UTF_8);
      JsonNode answer = ok(server.post("/v2/models/" + deployment + "/infer", body, viewer));
      out.add(new Answered(answer.get("model_version").asInt(), answer.at("/parameters/prediction_ids/0").asText(),
          answer.at("/outputs/0/data/0").asText()));
    }
    return out;
  }

  /** Posts a true label for every answer (right or wrong as {@code right} says), waiting for the log to hold them. */
  static void feedback(String deployment, List<Answered> answers, java.util.function.Predicate<Answered> right) {
    Map<String, String> pending = new HashMap<>();
    for (Answered a : answers) {
      pending.put(a.predictionId(), right.test(a) ? a.label() : a.label().equals("yes") ? "no" : "yes");
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!pending.isEmpty()) {
      StringBuilder body = new StringBuilder("{\"feedback\":[");
      List<String> ids = new ArrayList<>(pending.keySet()).subList(0, Math.min(1000, pending.size()));
      for (int i = 0; i < ids.size(); i++) {
        body.append(i == 0 ? "" : ",").append("{\"prediction_id\":\"").append(ids.get(i)).append("\",\"label\":\"")
            .append(pending.get(ids.get(i))).append("\"}");
      }
      JsonNode results = ok(server.post(BASE + "/" + deployment + "/feedback", body + "]}", editor)).get("results");
      for (int i = 0; i < ids.size(); i++) {
        if (results.get(i).get("recorded").asBoolean()) {
          pending.remove(ids.get(i));
        }
      }
      assertThat(System.nanoTime()).as("the prediction log still lacks %d predictions", pending.size())
          .isLessThan(deadline);
      sleep(pending.isEmpty() ? 0 : 100);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode canary(String deployment) {
    return ok(server.get(BASE + "/" + deployment + "/canary", viewer));
  }

  static List<String> historyKinds(String deployment) {
    List<String> kinds = new ArrayList<>();
    ok(server.get(BASE + "/" + deployment + "/history", viewer)).get("changes")
        .forEach(c -> kinds.add(c.get("kind").asText() + " by " + c.get("actor").asText()));
    return kinds;
  }

  static List<String> auditActions(String deployment) {
    List<String> actions = new ArrayList<>();
    ok(server.get("/api/cairn/v1/audit?target=deployment:" + deployment + "&order=oldest", admin)).get("events")
        .forEach(e -> actions.add(e.get("action").asText() + " by " + e.get("actor").asText()));
    return actions;
  }

  /** A controller as a second server on the same database has (its own monitor service and memory). */
  static CanaryController secondServersController() {
    SqlDatabase db = server.server.database();
    ModelRegistryStore registry = ModelRegistryStore.on(db);
    PredictionStore predictions = new PredictionStore(db);
    MonitorService monitors = new MonitorService(db, predictions, new FeedbackStore(db, predictions),
        (model, version) -> manifest(version == 1 ? logistic : forest), DriftOptions.DEFAULT,
        System::currentTimeMillis);
    return new CanaryController(new DeploymentStore(db, registry), registry, PromotionStore.on(db, registry),
        monitors, System::currentTimeMillis);
  }

  static BundleManifest manifest(Path bundle) {
    try {
      return Json.MAPPER.readValue(bundle.resolve(ModelBundle.MANIFEST_FILE).toFile(), BundleManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void await(CyclicBarrier barrier) {
    try {
      barrier.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void join(Thread t) {
    try {
      t.join(120_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(t.isAlive()).as("a check finished").isFalse();
  }

  /** One request's reply: its HTTP status, the version that answered (0 when refused) and the refusal's message. */
  record Reply(int status, int version, String error) {}

  /** Sends one single-row OIP request per row, answered or not. */
  static List<Reply> send(String deployment, List<Map<String, Object>> rows) {
    return send(server, viewer, deployment, rows);
  }

  static List<Reply> send(AuthServer on, String auth, String deployment, List<Map<String, Object>> rows) {
    List<Reply> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      String body = new String(RequestBodies.oipColumns(schema, List.of(row), false), StandardCharsets.UTF_8);
      AuthServer.Reply r = on.post("/v2/models/" + deployment + "/infer", body, auth);
      out.add(r.status() == 200 ? new Reply(200, r.json().get("model_version").asInt(), null)
          : new Reply(r.status(), 0, r.json().path("error").asText()));
    }
    return out;
  }

  static long answeredBy(List<Reply> replies, int version) {
    return replies.stream().filter(r -> r.status() == 200 && r.version() == version).count();
  }

  /** Rows as {@link TestBundles#rows} makes them, without the 'pro' plan. */
  static List<Map<String, Object>> rowsWithoutPro(int n, long seed) {
    return TestBundles.rows(n * 2, seed).stream().filter(r -> !"pro".equals(r.get("plan"))).limit(n).toList();
  }

  /**
   * Waits into the next second: serving counts are kept per second, so requests sent from then on all fall in
   * windows that start at a step's start (an earlier part of the same second counts before it).
   */
  static void nextSecond() {
    sleep(1000 - System.currentTimeMillis() % 1000 + 5);
  }

  /**
   * The monitor window of {@code version} from {@code fromMs}, once it holds {@code answered} answered and logged
   * requests and {@code failed} failed ones (serving counts and the log are written in the background).
   */
  static JsonNode awaitWindow(String deployment, long fromMs, int version, long answered, long failed) {
    return awaitWindow(server, viewer, deployment, fromMs, version, answered, failed);
  }

  static JsonNode awaitWindow(AuthServer on, String auth, String deployment, long fromMs, int version, long answered,
      long failed) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      JsonNode windows = ok(on.get(BASE + "/" + deployment + "/monitor?from=" + fromMs + "&to="
          + (fromMs + 3_600_000), auth)).get("windows");
      for (JsonNode w : windows) {
        JsonNode ops = w.get("operations");
        if (w.get("model_version").asInt() == version && ops.path("served_requests").asLong() == answered
            && ops.path("requests").asLong() == answered && ops.path("errors").asLong() == failed) {
          return w;
        }
      }
      assertThat(System.nanoTime()).as("no window of version %d with %d answered and %d failed requests: %s",
          version, answered, failed, windows).isLessThan(deadline);
      sleep(200);
    }
  }

  static long count(List<Answered> answers, int version) {
    return answers.stream().filter(a -> a.version() == version).count();
  }

  @Test
  void aCanaryLessAccurateThanItsBaselineIsRolledBackAndItsTrafficReturns() {
    registerModel("churn-rb");
    ok(server.post(BASE, "{\"name\":\"rb\",\"routes\":[\"churn-rb@champion\"]}", editor));
    JsonNode started = ok(server.post(BASE + "/rb/canary", "{\"version\":2,\"percent\":40,\"until\":\"p99_ms < 60000"
        + " and accuracy >= baseline - 0.01\",\"for\":\"30m\",\"min_requests\":20}", editor));
    assertThat(started.at("/deployment/canary/target").asText()).isEqualTo("churn-rb/2");
    assertThat(started.at("/deployment/canary/state").asText()).isEqualTo("ramping");
    assertThat(started.at("/deployment/canary/started_by").asText()).isEqualTo("eddie");
    server.server.servingTables().refreshAll();

    List<Answered> answers = infer("rb", 150, 1);
    assertThat(count(answers, 2)).as("the canary answers some").isGreaterThanOrEqualTo(20);
    assertThat(count(answers, 1)).as("the stable route answers the rest").isGreaterThan(0);
    long now = System.currentTimeMillis() + 1000;
    controller.check(now);
    assertThat(canary("rb").at("/last_check/verdict").asText()).as("no feedback yet: accuracy is unknown")
        .isEqualTo("unknown");
    assertThat(canary("rb").at("/canary/state").asText()).isEqualTo("ramping");

    // the baseline is always right, the canary always wrong; two servers on the database check at the same moment
    feedback("rb", answers, a -> a.version() == 1);
    CanaryController other = secondServersController();
    CyclicBarrier together = new CyclicBarrier(2);
    List<Thread> threads = new ArrayList<>();
    for (CanaryController c : List.of(controller, other)) {
      Thread t = new Thread(() -> {
        await(together);
        c.check(now + 1000);
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      join(t);
    }
    JsonNode status = canary("rb");
    assertThat(status.at("/canary/state").asText()).isEqualTo("rolled_back");
    assertThat(status.at("/canary/reason").asText()).contains("accuracy").contains("is false");
    assertThat(status.at("/last_check/verdict").asText()).isEqualTo("false");

    server.server.servingTables().refreshAll();
    List<Answered> after = infer("rb", 40, 2);
    assertThat(count(after, 1)).as("all traffic back on the stable version").isEqualTo(40);
    assertThat(historyKinds("rb")).as("one of the two servers rolled it back, once")
        .containsExactly("canary.rollback by system:canary", "canary.start by eddie", "create by eddie");
    assertThat(auditActions("rb")).contains("deployment.canary.start by eddie",
        "deployment.canary.rollback by system:canary");
  }

  @Test
  void aCanaryThatRefusesRequestsTheStableVersionAnswersIsRolledBackOnItsErrorRate() {
    registerModel("churn-err", logistic, withoutPro);
    ok(server.post(BASE, "{\"name\":\"err\",\"routes\":[\"churn-err@champion\"]}", editor));
    JsonNode started = ok(server.post(BASE + "/err/canary", "{\"version\":2,\"percent\":30,\"until\":\"error_rate < 0.01"
        + " and p99_ms < 200\",\"for\":\"30m\",\"min_requests\":20}", editor));
    long stepStarted = started.at("/deployment/canary/step_started").asLong();
    server.server.servingTables().refreshAll();
    nextSecond();

    // the clients send every plan; the canary never saw 'pro' customers and refuses them, the stable version answers
    List<Map<String, Object>> rows = TestBundles.rows(200, 11);
    List<Reply> replies = send("err", rows);
    List<Reply> refused = replies.stream().filter(r -> r.status() != 200).toList();
    assertThat(refused).as("the canary refuses some").isNotEmpty();
    assertThat(refused).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.error()).contains("column 'plan'").contains("'pro'");
    });
    for (int i = 0; i < rows.size(); i++) {
      if (!"pro".equals(rows.get(i).get("plan"))) {
        assertThat(replies.get(i).status()).as("row %d has no 'pro': both versions answer it", i).isEqualTo(200);
      } else if (replies.get(i).status() == 200) {
        assertThat(replies.get(i).version()).as("only the stable version answers 'pro'").isEqualTo(1);
      }
    }
    long canaryAnswered = answeredBy(replies, 2);
    assertThat(canaryAnswered + refused.size()).as("the canary takes its share").isGreaterThanOrEqualTo(20);

    // the refusals are counted under the canary's version, after the route picked it; none under the stable one
    JsonNode canaryWindow = awaitWindow("err", stepStarted, 2, canaryAnswered, refused.size());
    assertThat(canaryWindow.at("/operations/error_rate").asDouble())
        .isEqualTo((double) refused.size() / (canaryAnswered + refused.size()));
    awaitWindow("err", stepStarted, 1, answeredBy(replies, 1), 0);

    controller.check(System.currentTimeMillis() + 1000);
    JsonNode status = canary("err");
    assertThat(status.at("/canary/state").asText()).as(status.toString()).isEqualTo("rolled_back");
    assertThat(status.at("/canary/reason").asText()).contains("error_rate").contains("is false")
        .contains("after " + (canaryAnswered + refused.size()) + " canary requests");
    assertThat(status.at("/last_check/verdict").asText()).isEqualTo("false");
    assertThat(historyKinds("err")).as("rolled back by itself, at once, without waiting out --for")
        .containsExactly("canary.rollback by system:canary", "canary.start by eddie", "create by eddie");
    assertThat(auditActions("err")).containsSubsequence("deployment.create by eddie",
        "deployment.canary.start by eddie", "deployment.canary.rollback by system:canary");
    assertThat(ok(server.get("/api/2.0/mlflow/registered-models/alias?name=churn-err&alias=champion", viewer))
        .at("/model_version/version").asText()).as("the alias stays").isEqualTo("1");

    server.server.servingTables().refreshAll();
    List<Reply> after = send("err", rows);
    assertThat(answeredBy(after, 1)).as("every request answered by the stable version again").isEqualTo(rows.size());
  }

  @Test
  void aCanaryWithoutErrorsRampsAndIsPromotedOnItsErrorRate() {
    registerModel("churn-fine", logistic, withoutPro);
    ok(server.post(BASE, "{\"name\":\"fine\",\"routes\":[\"churn-fine@champion\"]}", editor));
    JsonNode started = ok(server.post(BASE + "/fine/canary", "{\"version\":2,\"steps\":[20,50],\"until\":"
        + "\"error_rate < 0.01 and p99_ms < 200\",\"for\":\"1ms\",\"min_requests\":20}", editor));
    server.server.servingTables().refreshAll();
    nextSecond();

    // the clients send no 'pro' customers: the canary answers all it gets
    List<Reply> first = send("fine", rowsWithoutPro(200, 21));
    assertThat(answeredBy(first, 1) + answeredBy(first, 2)).isEqualTo(200);
    assertThat(answeredBy(first, 2)).isGreaterThanOrEqualTo(20);
    awaitWindow("fine", started.at("/deployment/canary/step_started").asLong(), 2, answeredBy(first, 2), 0);
    long now = System.currentTimeMillis();
    controller.check(now);
    JsonNode held = canary("fine");
    assertThat(held.at("/last_check/verdict").asText()).as(held.toString()).isEqualTo("true");
    assertThat(held.at("/last_check/detail").asText()).contains("error_rate");
    assertThat(held.at("/canary/held_since").asLong()).as("the hold is stored").isEqualTo(now);
    controller.check(now + 1);
    JsonNode ramped = canary("fine");
    assertThat(ramped.at("/canary/percent").asInt()).as(ramped.toString()).isEqualTo(50);
    assertThat(ramped.at("/canary/held_since").isMissingNode()).as("a new step holds nothing yet").isTrue();

    server.server.servingTables().refreshAll();
    nextSecond();
    List<Reply> second = send("fine", rowsWithoutPro(200, 22));
    assertThat(answeredBy(second, 1) + answeredBy(second, 2)).isEqualTo(200);
    awaitWindow("fine", ramped.at("/canary/step_started").asLong(), 2, answeredBy(second, 2), 0);
    long later = System.currentTimeMillis();
    controller.check(later);
    controller.check(later + 1);
    JsonNode promoted = canary("fine");
    assertThat(promoted.at("/canary/state").asText()).as(promoted.toString()).isEqualTo("promoted");
    assertThat(promoted.at("/canary/reason").asText()).contains("held for 1ms at 50%").contains("error_rate")
        .contains("alias churn-fine@champion moved to version 2");
    assertThat(ok(server.get("/api/2.0/mlflow/registered-models/alias?name=churn-fine&alias=champion", viewer))
        .at("/model_version/version").asText()).isEqualTo("2");
    assertThat(historyKinds("fine")).containsExactly("canary.promote by system:canary",
        "canary.ramp by system:canary", "canary.start by eddie", "create by eddie");
    assertThat(auditActions("fine")).containsSubsequence("deployment.canary.start by eddie",
        "deployment.canary.ramp by system:canary", "deployment.canary.promote by system:canary");

    server.server.servingTables().refreshAll();
    assertThat(answeredBy(send("fine", rowsWithoutPro(40, 23)), 2)).as("all traffic on the new version")
        .isEqualTo(40);
  }

  @Test
  void aServerRestartedOnTheSameDatabaseContinuesTheCanarysHold() {
    Path folder = dir.resolve("restarting");
    AuthServer first = withoutCanaryTimer(() -> AuthServer.start(folder));
    String root = AuthServer.bearer(first.adminToken);
    String eddie = AuthServer.bearer(first.userWithToken("eddie", "editor"));
    long now;
    try {
      registerModel(first, root, "churn-rs", logistic, forest);
      ok(first.post(BASE, "{\"name\":\"rs\",\"routes\":[\"churn-rs@champion\"]}", eddie));
      JsonNode started = ok(first.post(BASE + "/rs/canary", "{\"version\":2,\"percent\":30,\"until\":"
          + "\"error_rate < 0.01 and p99_ms < 60000\",\"for\":\"30m\",\"min_requests\":10}", eddie));
      first.server.servingTables().refreshAll();
      nextSecond();
      List<Reply> replies = send(first, root, "rs", rowsWithoutPro(100, 31));
      assertThat(answeredBy(replies, 2)).isGreaterThanOrEqualTo(10);
      awaitWindow(first, root, "rs", started.at("/deployment/canary/step_started").asLong(), 2,
          answeredBy(replies, 2), 0);
      now = System.currentTimeMillis() + 1000;
      first.server.canaries().check(now);
      JsonNode held = ok(first.get(BASE + "/rs/canary", root));
      assertThat(held.at("/last_check/verdict").asText()).as(held.toString()).isEqualTo("true");
      assertThat(held.at("/canary/held_since").asLong()).isEqualTo(now);
    } finally {
      first.close();
    }

    // the restarted server has no memory of the check; the stored hold began 31 minutes before its first one
    AuthServer second = withoutCanaryTimer(() -> AuthServer.startWithoutToken(folder));
    try {
      second.server.canaries().check(now + 31 * MINUTE);
      JsonNode promoted = ok(second.get(BASE + "/rs/canary", root));
      assertThat(promoted.at("/canary/state").asText()).as(promoted.toString()).isEqualTo("promoted");
      assertThat(promoted.at("/canary/reason").asText()).contains("held for 30m at 30%")
          .contains("alias churn-rs@champion moved to version 2");
      List<String> kinds = new ArrayList<>();
      ok(second.get(BASE + "/rs/history", root)).get("changes")
          .forEach(c -> kinds.add(c.get("kind").asText() + " by " + c.get("actor").asText()));
      assertThat(kinds).as("the hold was stored without a history entry")
          .containsExactly("canary.promote by system:canary", "canary.start by eddie", "create by eddie");
    } finally {
      second.close();
    }
  }

  /** /health once it reports {@code status} (its answer is kept a second), with the reply's HTTP status. */
  static JsonNode awaitHealth(String status) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      AuthServer.Reply r = server.get("/health", viewer);
      if (r.json().get("status").asText().equals(status)) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status.equals("down") ? 503 : 200);
        return r.json();
      }
      assertThat(System.nanoTime()).as("/health is not %s: %s", status, r).isLessThan(deadline);
      sleep(200);
    }
  }

  static JsonNode component(JsonNode health, String name) {
    for (JsonNode c : health.get("components")) {
      if (c.get("component").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("/health has no component " + name + ": " + health);
  }

  @Test
  void healthIsDegradedWhileCanaryChecksFailRoundAfterRoundAndRecoversAfterwards() {
    JsonNode before = awaitHealth("ok");
    for (String loop : List.of("canaries", "alert-evaluator", "monitor-scheduler")) {
      assertThat(component(before, loop).get("status").asText()).isEqualTo("ok");
    }
    registerModel("churn-gone");
    ok(server.post(BASE, "{\"name\":\"gone\",\"routes\":[\"churn-gone@champion\"]}", editor));
    ok(server.post(BASE + "/gone/canary", "{\"version\":2,\"percent\":10,\"until\":\"p99_ms < 50\"}", editor));
    // the canary's version is deleted under it: every check of it fails, round after round
    ok(server.send("DELETE", "/api/2.0/mlflow/model-versions/delete", "{\"name\":\"churn-gone\",\"version\":\"2\"}",
        admin));
    long now = System.currentTimeMillis() + 1000;
    for (int i = 0; i < 3; i++) {
      controller.check(now + i);
    }
    JsonNode degraded = awaitHealth("degraded");
    JsonNode canaries = component(degraded, "canaries");
    assertThat(canaries.get("status").asText()).isEqualTo("degraded");
    assertThat(canaries.get("detail").asText()).startsWith("the last 3 rounds failed")
        .contains("deployment 'gone'").contains("churn-gone");
    assertThat(component(degraded, "metadata-store").get("status").asText()).isEqualTo("ok");

    ok(server.post(BASE + "/gone/canary/abort", "{}", editor));
    controller.check(now + 10);
    JsonNode recovered = awaitHealth("ok");
    assertThat(component(recovered, "canaries").get("detail").asText()).contains("last successful round");
  }

  @Test
  void aCanaryThatHoldsIsPromotedThroughTheApprovalWorkflowOnAProtectedAlias() {
    registerModel("churn-pr");
    ok(server.post("/api/cairn/v1/registry/policies/set", "{\"name\":\"churn-pr\",\"alias\":\"champion\","
        + "\"required_approvals\":1}", admin));
    ok(server.post(BASE, "{\"name\":\"pr\",\"routes\":[\"churn-pr@champion\"]}", editor));
    ok(server.post(BASE + "/pr/canary", "{\"target\":\"churn-pr/2\",\"percent\":30,\"until\":\"p99_ms < 60000"
        + " and accuracy >= baseline - 0.01\",\"for\":\"30m\",\"min_requests\":10}", editor));
    server.server.servingTables().refreshAll();
    List<Answered> answers = infer("pr", 100, 3);
    assertThat(count(answers, 2)).isGreaterThanOrEqualTo(10);
    feedback("pr", answers, a -> true);

    long now = System.currentTimeMillis() + 1000;
    controller.check(now);
    JsonNode held = canary("pr");
    assertThat(held.at("/last_check/verdict").asText()).as(held.toString()).isEqualTo("true");
    assertThat(held.at("/canary/state").asText()).as("held, but not yet for 30m").isEqualTo("ramping");
    controller.check(now + 29 * MINUTE);
    assertThat(canary("pr").at("/canary/state").asText()).isEqualTo("ramping");

    controller.check(now + 31 * MINUTE);
    JsonNode awaiting = canary("pr");
    assertThat(awaiting.at("/canary/state").asText()).isEqualTo("awaiting_approval");
    String requestId = awaiting.at("/canary/promotion_request_id").asText();
    JsonNode request = ok(server.get("/api/cairn/v1/registry/promotions/get?request_id=" + requestId, viewer));
    assertThat(request.at("/request/requester").asText()).as(request.toString()).isEqualTo("eddie");
    assertThat(request.at("/request/version").asInt()).isEqualTo(2);

    AuthServer.Reply own = server.post("/api/cairn/v1/registry/promotions/approve", "{\"request_id\":\"" + requestId
        + "\"}", editor);
    assertThat(own.status()).as("the canary's starter cannot approve its promotion").isEqualTo(403);
    controller.check(now + 32 * MINUTE);
    assertThat(canary("pr").at("/canary/state").asText()).isEqualTo("awaiting_approval");

    ok(server.post("/api/cairn/v1/registry/promotions/approve", "{\"request_id\":\"" + requestId
        + "\",\"comment\":\"canary figures look right\"}", approver));
    controller.check(now + 33 * MINUTE);
    JsonNode promoted = canary("pr");
    assertThat(promoted.at("/canary/state").asText()).isEqualTo("promoted");
    assertThat(promoted.at("/canary/reason").asText()).contains(requestId).contains("applied");
    assertThat(ok(server.get("/api/2.0/mlflow/registered-models/alias?name=churn-pr&alias=champion", viewer))
        .at("/model_version/version").asText()).isEqualTo("2");

    server.server.servingTables().refreshAll();
    assertThat(count(infer("pr", 40, 4), 2)).as("all traffic on the new version").isEqualTo(40);
    assertThat(historyKinds("pr")).containsExactly("canary.promote by system:canary",
        "canary.requested by system:canary", "canary.start by eddie", "create by eddie");
    assertThat(auditActions("pr")).contains("deployment.canary.requested by system:canary",
        "deployment.canary.promote by system:canary");
  }

  @Test
  void trafficSplitsCloseToThePercentAndStickyKeysStayOnTheCanaryAsItRamps() {
    registerModel("churn-split");
    ok(server.post(BASE, "{\"name\":\"split\",\"routes\":[\"churn-split/1\"],\"sticky\":\"field:age\"}", editor));
    ok(server.post(BASE + "/split/canary", "{\"version\":2,\"steps\":[20,50],\"until\":\"p99_ms < 60000\","
        + "\"for\":\"1ms\",\"min_requests\":50}", editor));
    server.server.servingTables().refreshAll();

    // ages 18..77 are the sticky keys: each key always gets the same version
    List<Answered> answers = infer("split", 1200, 5);
    List<Map<String, Object>> rows = TestBundles.rows(1200, 5);
    Map<Object, Integer> versionOfKey = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      Integer before = versionOfKey.putIfAbsent(rows.get(i).get("age"), answers.get(i).version());
      assertThat(before == null || before == answers.get(i).version()).as("key %s stays", rows.get(i).get("age"))
          .isTrue();
    }
    long onCanary = versionOfKey.values().stream().filter(v -> v == 2).count();
    // 60 keys, each on the canary with probability 0.2: mean 12, sd 3.1; six sd either side
    assertThat(onCanary).isBetween(1L, 31L);

    long now = System.currentTimeMillis() + 1000;
    controller.check(now);
    controller.check(now + 10);
    JsonNode ramped = canary("split");
    assertThat(ramped.at("/canary/percent").asInt()).as(ramped.toString()).isEqualTo(50);
    assertThat(ramped.at("/canary/step").asInt()).isEqualTo(1);
    server.server.servingTables().refreshAll();
    List<Answered> later = infer("split", 1200, 5);
    for (int i = 0; i < rows.size(); i++) {
      if (versionOfKey.get(rows.get(i).get("age")) == 2) {
        assertThat(later.get(i).version()).as("a key on the canary stays there as it ramps").isEqualTo(2);
      }
    }
    ok(server.post(BASE + "/split/canary/abort", "{}", editor));
    assertThat(canary("split").at("/canary/state").asText()).isEqualTo("aborted");
    assertThat(canary("split").at("/canary/reason").asText()).isEqualTo("aborted by eddie");

    // without a sticky key every request draws: 2000 requests at 20%, mean 400, sd 17.9; six sd either side
    ok(server.post(BASE, "{\"name\":\"draw\",\"routes\":[\"churn-split/1\"]}", editor));
    ok(server.post(BASE + "/draw/canary", "{\"version\":2,\"percent\":20,\"until\":\"p99_ms < 60000\"}", editor));
    server.server.servingTables().refreshAll();
    long drawn = count(infer("draw", 2000, 6), 2);
    assertThat(drawn).isBetween(293L, 507L);
  }

  @Test
  void aCanaryThatNeverGetsItsFiguresRollsBackAfterItsUnknownTimeout() {
    registerModel("churn-quiet");
    ok(server.post(BASE, "{\"name\":\"quiet\",\"routes\":[\"churn-quiet@champion\"]}", editor));
    ok(server.post(BASE + "/quiet/canary", "{\"version\":2,\"percent\":10,\"until\":\"accuracy >= 0.5\","
        + "\"min_requests\":0,\"unknown_timeout\":\"1h\"}", editor));
    long now = System.currentTimeMillis() + 1000;
    controller.check(now + 59 * MINUTE);
    assertThat(canary("quiet").at("/canary/state").asText()).isEqualTo("ramping");
    assertThat(canary("quiet").at("/last_check/detail").asText()).contains("no canary requests");
    controller.check(now + 61 * MINUTE);
    JsonNode status = canary("quiet");
    assertThat(status.at("/canary/state").asText()).isEqualTo("rolled_back");
    assertThat(status.at("/canary/reason").asText()).startsWith("undecided for 1h at 10%");
  }

  @Test
  void aCanaryWrittenWithTheDeploymentIsStartedByTheControllerAndABrokenOneRolledBack() {
    registerModel("churn-legacy");
    ok(server.post(BASE, "{\"name\":\"legacy\",\"routes\":[\"churn-legacy@champion\"],\"canary\":{"
        + "\"target\":\"churn-legacy/2\",\"percent\":10,\"until\":\"p99_ms <\"}}", editor));
    long now = System.currentTimeMillis() + 1000;
    controller.check(now);
    assertThat(canary("legacy").at("/canary/step_started").asLong()).isEqualTo(now);
    controller.check(now + 1000);
    JsonNode status = canary("legacy");
    assertThat(status.at("/canary/state").asText()).isEqualTo("rolled_back");
    assertThat(status.at("/canary/reason").asText()).startsWith("the condition cannot be checked: condition 'p99_ms <'");
    assertThat(historyKinds("legacy")).containsExactly("canary.rollback by system:canary",
        "canary.start by system:canary", "create by eddie");
  }

  @Test
  void aManualPromotionMovesAnUnprotectedAliasOrReplacesAFixedRoute() {
    registerModel("churn-direct");
    ok(server.post(BASE, "{\"name\":\"direct\",\"routes\":[\"churn-direct@champion\"]}", editor));
    ok(server.post(BASE + "/direct/canary", "{\"version\":2,\"percent\":10,\"until\":\"p99_ms < 50\"}", editor));
    JsonNode promoted = ok(server.post(BASE + "/direct/canary/promote", "{}", editor));
    assertThat(promoted.at("/deployment/canary/state").asText()).isEqualTo("promoted");
    assertThat(promoted.at("/deployment/canary/reason").asText()).contains("promoted by eddie")
        .contains("alias churn-direct@champion moved to version 2");
    assertThat(ok(server.get("/api/2.0/mlflow/registered-models/alias?name=churn-direct&alias=champion", viewer))
        .at("/model_version/version").asText()).isEqualTo("2");
    assertThat(auditActions("direct")).contains("deployment.canary.promote by eddie");

    ok(server.post(BASE, "{\"name\":\"fixed\",\"routes\":[\"churn-direct/1=80\",\"churn-direct@champion=20\"]}",
        editor));
    // the canary is compared with, and promoted into, the heaviest route
    ok(server.post(BASE + "/fixed/canary", "{\"target\":\"churn-direct/2\",\"percent\":5,\"until\":\"p99_ms < 50\"}",
        editor));
    JsonNode replaced = ok(server.post(BASE + "/fixed/canary/promote", "{}", editor)).get("deployment");
    assertThat(replaced.at("/routes/0/target").asText()).isEqualTo("churn-direct/2");
    assertThat(replaced.at("/routes/0/weight").asInt()).isEqualTo(80);
    assertThat(replaced.at("/canary/state").asText()).isEqualTo("promoted");
    assertThat(server.post(BASE + "/fixed/canary/promote", "{}", editor).status()).as("nothing left to promote")
        .isEqualTo(400);
  }

  @Test
  void badCanariesAreRefusedNamingTheField() {
    registerModel("churn-bad");
    ok(server.post(BASE, "{\"name\":\"bad\",\"routes\":[\"churn-bad@champion\"]}", editor));

    AuthServer.Reply metric = server.post(BASE + "/bad/canary", "{\"version\":2,\"percent\":10,"
        + "\"until\":\"latency < 5\"}", editor);
    assertThat(metric.status()).isEqualTo(400);
    assertThat(metric.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(metric.json().get("message").asText()).contains("field 'until'").contains("latency");

    AuthServer.Reply percent = server.post(BASE + "/bad/canary", "{\"version\":2,\"percent\":150,"
        + "\"until\":\"p99_ms < 50\"}", editor);
    assertThat(percent.status()).isEqualTo(400);
    assertThat(percent.json().get("message").asText()).contains("field 'percent' is 150").contains("1 to 99");

    AuthServer.Reply steps = server.post(BASE + "/bad/canary", "{\"version\":2,\"steps\":[50,25],"
        + "\"until\":\"p99_ms < 50\"}", editor);
    assertThat(steps.status()).isEqualTo(400);
    assertThat(steps.json().get("message").asText()).contains("'steps'").contains("must increase");

    AuthServer.Reply missingVersion = server.post(BASE + "/bad/canary", "{\"version\":9,\"percent\":10,"
        + "\"until\":\"p99_ms < 50\"}", editor);
    assertThat(missingVersion.status()).isEqualTo(400);
    assertThat(missingVersion.json().get("message").asText()).contains("field 'target' target churn-bad/9");

    AuthServer.Reply missing = server.post(BASE + "/nowhere/canary", "{\"version\":2,\"percent\":10,"
        + "\"until\":\"p99_ms < 50\"}", editor);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("message").asText()).contains("deployment 'nowhere' does not exist");

    assertThat(server.post(BASE + "/bad/canary", "{\"version\":2,\"percent\":10,\"until\":\"p99_ms < 50\"}", viewer)
        .status()).as("a viewer cannot start one").isEqualTo(403);
    assertThat(server.post(BASE + "/bad/canary/abort", "{}", editor).status()).as("nothing to abort")
        .isEqualTo(400);
    assertThat(server.get(BASE + "/bad", viewer).json().at("/deployment/version").asInt())
        .as("no refusal changed the deployment").isEqualTo(1);
  }
}
