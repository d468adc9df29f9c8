package dev.cairn.serving.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.data.drift.DriftOptions;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.train.Task;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.deploy.Canary;
import dev.cairn.serving.deploy.DeploymentChange;
import dev.cairn.serving.deploy.DeploymentSpec;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.deploy.Route;
import dev.cairn.serving.deploy.Target;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.monitor.ServingCounts;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.ModelRegistryStore.NewModelVersion;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canary controller on a real database, on a timeline of its own: predictions are logged with chosen times and
 * latencies, and the controller's clock is set, so ramps, holds and timeouts need no waiting. Two controllers stand
 * for two servers on one database.
 */
abstract class CanaryControllerContract {
  static final long MINUTE = 60_000;
  static final long T0 = 100 * 60 * MINUTE;
  @TempDir static Path bundles;
  static BundleManifest manifest;

  @TempDir Path dir;
  SqlDatabase db;
  ModelRegistryStore registry;
  DeploymentStore deployments;
  PromotionStore promotions;
  PredictionStore predictions;
  final AtomicLong clock = new AtomicLong(T0);
  int logged;

  @BeforeAll
  static void train() {
    manifest = ModelBundle.load(TestBundles.write(bundles.resolve("b"), "logistic_regression", Task.CLASSIFICATION,
        Map.of(), Map.of(), true)).manifest();
  }

  @BeforeEach
  void open() {
    useDatabase(newDatabase());
    registry.createRegisteredModel("churn", null, Map.of());
    for (int v = 1; v <= 2; v++) {
      registry.createModelVersion(new NewModelVersion("churn", "s3://m/" + v, null, null, null, null, null, null));
    }
    registry.setAlias("churn", "champion", 1);
    deployments.create("api", new DeploymentSpec(null, List.of(new Route(Target.parse("r", "churn@champion"), 100)),
        List.of(), null, null));
  }

  @AfterEach
  void close() {
    db.close();
  }

  protected abstract SqlDatabase newDatabase();

  /**
   * The same database as a restarted server opens it (SQLite: {@code current} closed, its file opened again) or as a
   * second server does (PostgreSQL: another connection pool, {@code current} left open); closed with the test.
   */
  protected abstract SqlDatabase restartedDatabase(SqlDatabase current);

  void useDatabase(SqlDatabase database) {
    db = database;
    registry = ModelRegistryStore.on(db);
    deployments = new DeploymentStore(db, registry);
    promotions = PromotionStore.on(db, registry);
    predictions = new PredictionStore(db);
  }

  CanaryController controller() {
    MonitorService monitors = new MonitorService(db, predictions, new FeedbackStore(db, predictions),
        (model, version) -> manifest, DriftOptions.DEFAULT, clock::get);
    return new CanaryController(deployments, registry, promotions, monitors, clock::get);
  }

  /** A controller whose windows also hold the serving counts (answered and failed requests) of {@code counts}. */
  CanaryController controller(ServingCounts counts) {
    MonitorService monitors = new MonitorService(db, predictions, new FeedbackStore(db, predictions),
        (model, version) -> manifest, DriftOptions.DEFAULT, clock::get, counts, false);
    return new CanaryController(deployments, registry, promotions, monitors, clock::get);
  }

  /** {@code n} single-row predictions of {@code version} from {@code startMs}, one a second, this slow. */
  void log(int version, long startMs, int n, double latencyMs) {
    List<Map<String, Object>> rows = TestBundles.rows(n, startMs + version);
    List<StoredPrediction> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new StoredPrediction("p" + logged++, "api", "churn", version, startMs + i * 1000L, List.of(rows.get(i)),
          List.of(Map.of("label", "no")), latencyMs + i % 5, false));
    }
    predictions.insert(out);
  }

  CanaryStart start(List<Integer> steps, String forDuration, long minRequests) {
    return new CanaryStart(new Target("churn", 2, null), null, steps, "p99_ms < 50", forDuration, minRequests, "2h",
        null);
  }

  Canary canary() {
    return deployments.get("api").spec().canary();
  }

  List<String> history() {
    return deployments.history("api", 100, null).items().stream().map(DeploymentChange::kind).toList();
  }

  @Test
  void aSlowCanaryIsRolledBackOnceWhenTwoServersCheckAtTheSameMoment() throws Exception {
    controller().start("api", start(List.of(20), "10m", 20), "eddie");
    log(1, T0 + 1000, 80, 5);
    log(2, T0 + 1000, 30, 120);
    clock.set(T0 + 5 * MINUTE);
    List<CanaryController> servers = List.of(controller(), controller());
    CyclicBarrier together = new CyclicBarrier(servers.size());
    List<Thread> threads = new ArrayList<>();
    for (CanaryController c : servers) {
      Thread t = new Thread(() -> {
        try {
          together.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        c.check();
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(120_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(canary().state()).isEqualTo(Canary.State.ROLLED_BACK);
    assertThat(canary().progress().reason()).contains("p99_ms").contains("after 30 canary requests");
    assertThat(history()).as("one server acted").containsExactly("canary.rollback", "canary.start", "create");
    assertThat(canary().trafficPercent()).isZero();
  }

  @Test
  void tooFewRequestsDecideNothingAndAStepLeftUndecidedRollsBackAtItsTimeout() {
    CanaryController controller = controller();
    controller.start("api", start(List.of(20), "10m", 50), "eddie");
    log(2, T0 + 1000, 10, 120);
    clock.set(T0 + 5 * MINUTE);
    controller.check();
    assertThat(canary().state()).isEqualTo(Canary.State.RAMPING);
    assertThat(controller.lastCheck("api").orElseThrow().verdict().name()).isEqualTo("FALSE");
    assertThat(controller.lastCheck("api").orElseThrow().canaryRequests()).isEqualTo(10);
    clock.set(T0 + 121 * MINUTE);
    controller.check();
    assertThat(canary().state()).isEqualTo(Canary.State.ROLLED_BACK);
    assertThat(canary().progress().reason()).startsWith("undecided for 2h at 20% (10 canary requests, at least 50");
  }

  @Test
  void aFastCanaryRampsThroughItsStepsThenMovesAnUnprotectedAlias() {
    CanaryController controller = controller();
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    controller.onStep(told::add);
    controller.start("api", start(List.of(10, 50), "5m", 20), "eddie");
    log(1, T0 + 1000, 60, 5);
    log(2, T0 + 1000, 30, 5);
    clock.set(T0 + MINUTE);
    controller.check();
    assertThat(controller.lastCheck("api").orElseThrow().heldSinceMs()).isEqualTo(T0 + MINUTE);
    clock.set(T0 + 5 * MINUTE);
    controller.check();
    assertThat(canary().percent()).as("held 4 of 5 minutes").isEqualTo(10);
    clock.set(T0 + 6 * MINUTE);
    controller.check();
    assertThat(canary().percent()).isEqualTo(50);
    assertThat(canary().progress().step()).isEqualTo(1);
    assertThat(canary().progress().stepStartedMs()).isEqualTo(T0 + 6 * MINUTE);

    clock.set(T0 + 7 * MINUTE);
    controller.check();
    assertThat(controller.lastCheck("api").orElseThrow().detail()).as("the new step has no figures yet")
        .contains("no canary requests");
    log(2, T0 + 7 * MINUTE, 30, 5);
    clock.set(T0 + 8 * MINUTE);
    controller.check();
    clock.set(T0 + 13 * MINUTE);
    controller.check();
    assertThat(canary().state()).isEqualTo(Canary.State.PROMOTED);
    assertThat(registry.getModelVersionByAlias("churn", "champion").version()).isEqualTo(2);
    assertThat(history()).containsExactly("canary.promote", "canary.ramp", "canary.start", "create");
    assertThat(told).as("the serving side is told of every step").containsExactly("api", "api", "api");
  }

  @Test
  void aCanaryWhoseEveryRequestFailsIsRolledBackOnItsErrorsThoughItLoggedNoPrediction() {
    ServingCounts counts = new ServingCounts(db, "replica-1", clock::get);
    CanaryController controller = controller(counts);
    controller.start("api", new CanaryStart(new Target("churn", 2, null), null, List.of(20), "error_rate < 0.01",
        "10m", 20L, "2h", null), "eddie");
    clock.set(T0 + 2000);
    ServingCounts.Counter stable = counts.counter("api", "churn", 1);
    ServingCounts.Counter canary = counts.counter("api", "churn", 2);
    log(1, T0 + 2000, 80, 5);
    for (int i = 0; i < 80; i++) {
      stable.answered(1);
    }
    for (int i = 0; i < 25; i++) {
      canary.failed();
    }
    counts.flush(true);
    clock.set(T0 + 5 * MINUTE);
    controller.check();
    assertThat(canary().state()).isEqualTo(Canary.State.ROLLED_BACK);
    assertThat(canary().progress().reason()).contains("is false after 25 canary requests");
    assertThat(history()).containsExactly("canary.rollback", "canary.start", "create");
  }

  @Test
  void aRestartedServerContinuesTheHoldFromTheStoredProgress() {
    controller().start("api", start(List.of(10, 50), "5m", 20), "eddie");
    log(1, T0 + 1000, 60, 5);
    log(2, T0 + 1000, 30, 5);
    clock.set(T0 + MINUTE);
    controller().check();
    assertThat(canary().progress().heldSinceMs()).as("stored when the condition first held").isEqualTo(T0 + MINUTE);
    long heldVersion = deployments.get("api").version();
    assertThat(history()).as("a hold is no decision: no history entry").containsExactly("canary.start", "create");
    clock.set(T0 + 3 * MINUTE);
    controller().check();
    assertThat(deployments.get("api").version()).as("a hold that goes on writes nothing").isEqualTo(heldVersion);

    useDatabase(restartedDatabase(db));
    CanaryController restarted = controller();
    clock.set(T0 + 6 * MINUTE);
    restarted.check();
    assertThat(canary().percent()).as("held 5m across the restart: 1m to 6m").isEqualTo(50);
    assertThat(canary().progress().step()).isEqualTo(1);
    assertThat(canary().progress().heldSinceMs()).as("the new step holds nothing yet").isNull();
    assertThat(history()).containsExactly("canary.ramp", "canary.start", "create");
  }

  @Test
  void aHoldEndsWithTheDecisionThatBreaksItTakenByAnotherServer() {
    controller().start("api", start(List.of(10), "5m", 20), "eddie");
    log(2, T0 + 1000, 30, 5);
    clock.set(T0 + MINUTE);
    controller().check();
    assertThat(canary().progress().heldSinceMs()).isEqualTo(T0 + MINUTE);
    // slow answers, too few to roll back (20 needed among them) but enough to make the condition false
    log(2, T0 + 2 * MINUTE, 30, 120);
    clock.set(T0 + 3 * MINUTE);
    CanaryController other = controller();
    other.check();
    assertThat(canary().state()).as("60 requests, p99 over 50: rolled back").isEqualTo(Canary.State.ROLLED_BACK);
    assertThat(canary().progress().heldSinceMs()).as("a decision ends the hold").isNull();
  }

  @Test
  void onAProtectedAliasTheCanaryWaitsForApprovalAndARejectionRollsItBack() {
    promotions.setPolicy("churn", "champion", 1, "admin");
    CanaryController controller = controller();
    controller.start("api", start(List.of(10), "5m", 20), "eddie");
    log(1, T0 + 1000, 60, 5);
    log(2, T0 + 1000, 30, 5);
    clock.set(T0 + MINUTE);
    controller.check();
    clock.set(T0 + 7 * MINUTE);
    controller.check();
    assertThat(canary().state()).isEqualTo(Canary.State.AWAITING_APPROVAL);
    assertThat(canary().trafficPercent()).as("still takes its share while it waits").isEqualTo(10);
    PromotionRequest request = promotions.get(canary().progress().promotionRequestId());
    assertThat(request.requester()).isEqualTo("eddie");
    assertThat(request.reason()).contains("canary of deployment 'api'").contains("held for 5m");

    clock.set(T0 + 8 * MINUTE);
    controller.check();
    assertThat(canary().state()).as("nothing decided yet").isEqualTo(Canary.State.AWAITING_APPROVAL);
    promotions.reject(request.requestId(), "abby", "not this week");
    controller.check();
    assertThat(canary().state()).isEqualTo(Canary.State.ROLLED_BACK);
    assertThat(canary().progress().reason()).isEqualTo("promotion request " + request.requestId() + " was rejected");
    assertThat(registry.getModelVersionByAlias("churn", "champion").version()).isEqualTo(1);
  }

  @Test
  void abortingACanaryThatAwaitsApprovalWithdrawsItsRequest() {
    promotions.setPolicy("churn", "champion", 1, "admin");
    CanaryController controller = controller();
    controller.start("api", start(List.of(10), "5m", 0), "eddie");
    controller.promote("api", "mo");
    String id = canary().progress().promotionRequestId();
    assertThat(promotions.get(id).requester()).as("a manual promotion asks in the promoter's name").isEqualTo("mo");
    controller.abort("api", "eddie");
    assertThat(canary().state()).isEqualTo(Canary.State.ABORTED);
    assertThat(promotions.get(id).status()).isEqualTo(PromotionRequest.Status.CANCELLED);
  }
}
