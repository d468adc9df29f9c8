package dev.cairn.serving.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.audit.AuditEvent;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookDelivery;
import dev.cairn.store.webhooks.WebhookSpec;
import dev.cairn.store.webhooks.WebhookStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator over a real prediction log and real monitor windows, with an injected clock; two evaluators on one
 * database stand for two servers: each alert fires and resolves once, with one audit event and one delivery.
 */
abstract class AlertEvaluatorContract {
  static final long HOUR = 3_600_000L;

  @TempDir
  Path dir;
  SqlDatabase db;
  PredictionStore predictions;
  WebhookStore webhooks;
  AlertStore store;
  BundleManifest manifest;
  long now;

  @BeforeEach
  void open() {
    db = newDatabase();
    predictions = new PredictionStore(db);
    webhooks = new WebhookStore(db);
    store = new AlertStore(db, webhooks);
    manifest = ModelBundle.load(TestBundles.write(dir.resolve("bundle"), "logistic_regression", Task.CLASSIFICATION,
        Map.of(), Map.of(), true)).manifest();
  }

  @AfterEach
  void close() {
    db.close();
  }

  protected abstract SqlDatabase newDatabase();

  /** One "server": its own monitor service and evaluator on the shared database and clock. */
  AlertEvaluator server() {
    MonitorService monitors = new MonitorService(db, predictions, new FeedbackStore(db, predictions),
        (model, version) -> manifest, DriftOptions.DEFAULT, () -> now);
    return new AlertEvaluator(store, monitors, () -> List.of("churn-prod"), () -> {}, () -> now,
        new AlertEvaluator.Settings(java.time.Duration.ZERO, MonitorService.GRACE_MS));
  }

  /** {@code n} single-row predictions from {@code startMs}, one a second, latencies 0 to maxLatency - 1 ms. */
  void log(String prefix, long startMs, int n, int maxLatency) {
    List<Map<String, Object>> rows = TestBundles.rows(n, startMs + 7);
    List<StoredPrediction> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new StoredPrediction(prefix + i, "churn-prod", "churn", 1, startMs + i * 1000L, List.of(rows.get(i)),
          List.of(Map.of("label", "no")), i % maxLatency, false));
    }
    predictions.insert(out);
  }

  AlertRule slow() {
    return new AlertRule("slow", "churn-prod", "p99_ms > 5", 60, "critical", List.of(), null);
  }

  @Test
  void twoServersFireAndResolveEachAlertOnceWithOneAuditEventAndOneDelivery() throws Exception {
    webhooks.create(new WebhookSpec("ops", null, "http://127.0.0.1:9/hook", List.of("alert.firing", "alert.resolved"),
        null, null));
    store.put(slow());
    log("a", 0, 100, 10); // p99 9 ms in the first hour
    now = HOUR + MonitorService.GRACE_MS;
    AlertEvaluator one = server();
    AlertEvaluator two = server();

    List<AlertEvaluator.Round> rounds = both(one, two);
    assertThat(rounds.get(0).fired().size() + rounds.get(1).fired().size()).isEqualTo(1);
    Alert fired = store.firing("slow", "churn-prod", "churn", 1).orElseThrow();
    assertThat(fired.figures()).containsEntry("p99_ms", 9.0);
    assertThat(fired.detail()).isEqualTo("p99_ms > 5: 9 > 5 -> true");
    assertThat(fired.windowFrom()).isZero();
    assertThat(one.evaluate().fired()).isEmpty();
    assertThat(two.evaluate().fired()).isEmpty();

    log("b", HOUR, 100, 4); // p99 3 ms in the second hour: resolves
    now = 2 * HOUR + MonitorService.GRACE_MS;
    rounds = both(one, two);
    assertThat(rounds.get(0).resolved().size() + rounds.get(1).resolved().size()).isEqualTo(1);
    assertThat(store.alert(fired.id()).state()).isEqualTo(Alert.RESOLVED);
    assertThat(store.alert(fired.id()).resolvedAt()).isEqualTo(now);

    // a server whose clock lags judges the first hour again: that window already fired once, so nothing fires
    now = HOUR + MonitorService.GRACE_MS;
    assertThat(server().evaluate().fired()).isEmpty();
    assertThat(store.alerts(new AlertStore.AlertQuery(null, "slow", null, null, null, 100, null)).items()).hasSize(1);

    List<String> audit = new ArrayList<>();
    for (AuditEvent e : new AuditLog(db).search(new AuditLog.Query(AlertEvaluator.ACTOR, null, null, null, null,
        false, 100, null)).items()) {
      audit.add(e.action() + " " + e.target());
    }
    assertThat(audit).containsExactly("alert.firing alert:" + fired.id(), "alert.resolved alert:" + fired.id());
    String hook = webhooks.list(10, null).items().get(0).id();
    assertThat(webhooks.deliveries(hook, 100, null).items()).extracting(WebhookDelivery::event)
        .containsExactlyInAnyOrder("alert.firing", "alert.resolved");
  }

  /** Runs one round on each evaluator at the same time and returns both rounds. */
  static List<AlertEvaluator.Round> both(AlertEvaluator one, AlertEvaluator two) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<AlertEvaluator.Round>> f = pool.invokeAll(List.<Callable<AlertEvaluator.Round>>of(one::evaluate,
          two::evaluate));
      return List.of(f.get(0).get(60, TimeUnit.SECONDS), f.get(1).get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void roundsThatCannotListTheDeploymentsDegradeTheEvaluatorsHealthUntilOneSucceeds() {
    store.put(new AlertRule("slow-anywhere", AlertRule.ALL, "p99_ms > 5", 60, null, List.of(), null));
    java.util.concurrent.atomic.AtomicBoolean away = new java.util.concurrent.atomic.AtomicBoolean(true);
    MonitorService monitors = new MonitorService(db, predictions, new FeedbackStore(db, predictions),
        (model, version) -> manifest, DriftOptions.DEFAULT, () -> now);
    AlertEvaluator evaluator = new AlertEvaluator(store, monitors, () -> {
      if (away.get()) {
        throw new IllegalStateException("connection refused");
      }
      return List.of("churn-prod");
    }, () -> {}, () -> now, new AlertEvaluator.Settings(java.time.Duration.ZERO, MonitorService.GRACE_MS));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(evaluator::evaluate).hasMessageContaining("connection refused");
    }
    assertThat(evaluator.health().check().isDegraded()).isTrue();
    assertThat(evaluator.health().check().detail()).startsWith("the last 3 rounds failed")
        .endsWith("cannot read the rules or deployments: connection refused");
    away.set(false);
    evaluator.evaluate();
    assertThat(evaluator.health().check().isDegraded()).isFalse();
    assertThat(evaluator.health().failures()).isEqualTo(3);
  }

  @Test
  void unknownFiguresAndTooFewWindowsChangeNothing() {
    store.put(new AlertRule("wrong", "churn-prod", "accuracy < 0.8", 60, null, List.of(), null)); // no feedback
    store.put(new AlertRule("slow-3", "churn-prod", "p99_ms > 5 over 3 windows", 60, null, List.of(), null));
    log("a", HOUR, 100, 10);
    log("b", 2 * HOUR, 100, 10);
    now = 3 * HOUR + MonitorService.GRACE_MS;
    assertThat(server().evaluate().fired()).isEmpty(); // two slow windows of three
    log("c", 3 * HOUR, 100, 10);
    now = 4 * HOUR + MonitorService.GRACE_MS;
    assertThat(server().evaluate().fired()).extracting(Alert::rule).containsExactly("slow-3");
  }

  @Test
  void aVersionWithoutTrafficInTheNewestWindowIsNotJudged() {
    store.put(slow());
    log("a", 0, 100, 10);
    now = 2 * HOUR + MonitorService.GRACE_MS; // the newest closed hour is the second, which has no traffic
    assertThat(server().evaluate().fired()).isEmpty();
    now = HOUR + MonitorService.GRACE_MS;
    AlertEvaluator.Round open = server().evaluate(HOUR / 2, true); // the first hour judged while still open
    assertThat(open.fired()).extracting(Alert::windowTo).containsExactly(HOUR);
  }

  @Test
  void periodicRoundsFireWithoutBeingAsked() throws InterruptedException {
    store.put(slow());
    log("a", 0, 100, 10);
    now = HOUR + MonitorService.GRACE_MS;
    MonitorService monitors = new MonitorService(db, predictions, new FeedbackStore(db, predictions),
        (model, version) -> manifest, DriftOptions.DEFAULT, () -> now);
    java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
    try (AlertEvaluator periodic = new AlertEvaluator(store, monitors, () -> List.of("churn-prod"), changed::countDown,
        () -> now, new AlertEvaluator.Settings(java.time.Duration.ofMillis(50), MonitorService.GRACE_MS))) {
      periodic.start();
      assertThat(changed.await(60, TimeUnit.SECONDS)).as("a round within 60 s").isTrue();
    }
    assertThat(store.firing("slow", "churn-prod", "churn", 1)).isPresent();
  }

  @Test
  void theIntervalComesFromTheEnvironmentOrTheSystemProperty() {
    System.setProperty("cairn.alerts.interval-seconds", "15");
    try {
      assertThat(AlertEvaluator.Settings.fromEnvironment().interval()).isEqualTo(java.time.Duration.ofSeconds(15));
      System.setProperty("cairn.alerts.interval-seconds", "soon");
      assertThatThrownBy(AlertEvaluator.Settings::fromEnvironment)
          .hasMessageContaining("CAIRN_ALERTS_INTERVAL_SECONDS is 'soon'");
    } finally {
      System.clearProperty("cairn.alerts.interval-seconds");
    }
  }

  @Test
  void rulesAreUpsertedIdempotentlyAndDeletingOneResolvesItsAlerts() {
    assertThat(store.put(slow()).change()).isEqualTo(AlertStore.Change.CREATED);
    assertThat(store.put(slow()).change()).isEqualTo(AlertStore.Change.UNCHANGED);
    AlertRule slower = new AlertRule("slow", "churn-prod", "p99_ms > 4", 60, "critical", List.of(), null);
    assertThat(store.put(slower).change()).isEqualTo(AlertStore.Change.UPDATED);
    log("a", 0, 100, 10);
    now = HOUR + MonitorService.GRACE_MS;
    Alert fired = server().evaluate().fired().get(0);
    store.delete("slow");
    assertThat(store.alert(fired.id()).state()).isEqualTo(Alert.RESOLVED);
    assertThat(store.alert(fired.id()).resolveDetail()).isEqualTo("the rule was deleted");
    assertThat(store.allRules()).isEmpty();
  }
}
