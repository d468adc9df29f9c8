package dev.cairn.serving.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.deploy.Canary;
import dev.cairn.serving.deploy.DeploymentPatch;
import dev.cairn.serving.deploy.DeploymentSpec;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.deploy.Route;
import dev.cairn.serving.deploy.Sticky;
import dev.cairn.serving.deploy.Target;
import dev.cairn.serving.log.PredictionRecord;
import dev.cairn.serving.log.PredictionSink;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.protocol.ScoringRequest;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.ModelRegistryStore.NewModelVersion;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving tables on a real SQLite registry with real bundles: versions load once into the shared cache, routes split
 * by weight and stick by key, shadows are recorded and never answer, and an alias move swaps under load with no
 * failed request.
 */
class ServingTableTest {
  @TempDir static Path bundles;
  @TempDir Path dir;
  static Path v1;
  static Path v2;

  SqlDatabase db;
  ModelRegistryStore registry;
  DeploymentStore deployments;
  ModelCache cache;
  ServingTables tables;
  final List<PredictionRecord> recorded = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void train() {
    v1 = TestBundles.write(bundles.resolve("a"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of());
    v2 = TestBundles.write(bundles.resolve("b"), "random_forest", Task.CLASSIFICATION, Map.of(), Map.of());
  }

  @BeforeEach
  void open() {
    db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of());
    registry = ModelRegistryStore.on(db);
    deployments = new DeploymentStore(db, registry);
    registry.createRegisteredModel("churn", null, Map.of());
    // a version's source is its bundle folder here; the server copies from the artifact store instead
    registry.createModelVersion(new NewModelVersion("churn", v1.toString(), null, null, null, null, null, null));
    registry.createModelVersion(new NewModelVersion("churn", v2.toString(), null, null, null, null, null, null));
    registry.setAlias("churn", "champion", 1);
    cache = new ModelCache((version, into) -> SingleModel.copy(Path.of(version.source()), into), dir.resolve("cache"),
        ModelRuntime.defaults());
    PredictionSink sink = r -> {
      recorded.add(r);
      return "p-" + recorded.size();
    };
    tables = new ServingTables(deployments, registry, cache, sink, Limits.DEFAULT);
  }

  @AfterEach
  void close() {
    tables.close();
    db.close();
  }

  static DeploymentSpec spec(Sticky sticky, List<Target> shadows, String... routes) {
    List<Route> r = new ArrayList<>();
    for (String text : routes) {
      r.add(Route.parse("routes", text));
    }
    return new DeploymentSpec(null, r, shadows, sticky, null);
  }

  static ScoringRequest request(int rows) {
    return new ScoringRequest(TestBundles.rows(rows, 3), false, null, Map.of());
  }

  Answer score(String deployment, Map<String, String> headers) {
    try (ServingTable.Lease lease = tables.table(deployment).lease()) {
      ScoringRequest r = request(1);
      return lease.score(lease.pick(headers::get, r.rows()), r);
    }
  }

  @Test
  void aVersionTwoDeploymentsServeIsLoadedOnceAndAnswersAsTheBundleDoes() {
    deployments.create("a", spec(null, List.of(), "churn@champion"));
    deployments.create("b", spec(null, List.of(), "churn/1"));
    Answer a = score("a", Map.of());
    Answer b = score("b", Map.of());
    assertThat(cache.loaded()).containsExactly(new ModelCache.Key("churn", 1));
    assertThat(a.served().modelVersion()).isEqualTo(1);
    assertThat(a.predictionIds()).hasSize(1);
    try (var direct = ModelRuntime.defaults().load(v1)) {
      String expected = direct.predict(request(1).rows()).labels()[0];
      assertThat(a.scored().predictions().labels()[0]).isEqualTo(expected);
      assertThat(b.scored().predictions().labels()[0]).isEqualTo(expected);
    }
    assertThat(recorded).extracting(PredictionRecord::deployment).containsExactly("a", "b");
  }

  @Test
  void weightsSplitTrafficAndAStickyKeyKeepsItsRoute() {
    deployments.create("ab", spec(Sticky.parse("header:X-User"), List.of(), "churn/1=70", "churn/2=30"));
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      counts.merge(score("ab", Map.of()).served().modelVersion(), 1, Integer::sum);
    }
    // 2000 draws at p=0.7: the standard deviation is about 20, so 1300..1500 is 5 of them
    assertThat(counts.get(1)).isBetween(1300, 1500);
    for (int u = 0; u < 50; u++) {
      Map<String, String> user = Map.of("X-User", "user-" + u);
      int first = score("ab", user).served().modelVersion();
      for (int k = 0; k < 5; k++) {
        assertThat(score("ab", user).served().modelVersion()).isEqualTo(first);
      }
    }
  }

  @Test
  void aStickyFieldKeepsItsRouteAndAChangedRouteOrTheRefresherSwaps() throws Exception {
    deployments.create("f", spec(Sticky.parse("field:plan"), List.of(), "churn/1=50", "churn/2=50"));
    Map<String, Integer> byPlan = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      ScoringRequest r = new ScoringRequest(TestBundles.rows(1, i), false, null, Map.of());
      try (ServingTable.Lease lease = tables.table("f").lease()) {
        int v = lease.score(lease.pick(h -> null, r.rows()), r).served().modelVersion();
        Object plan = r.rows().get(0).get("plan");
        if (plan == null) {
          continue; // no key to stick to: such a row is routed by weight, at random
        }
        Integer before = byPlan.putIfAbsent(String.valueOf(plan), v);
        assertThat(before == null ? v : before).as("plan " + r.rows().get(0).get("plan")).isEqualTo(v);
      }
    }
    var d = deployments.get("f");
    deployments.update("f", d.version(), dev.cairn.serving.deploy.DeploymentPatch.routes(
        List.of(Route.parse("routes", "churn/2"))));
    tables.startRefresher(1);
    waitFor(() -> score("f", Map.of()).served().modelVersion() == 2);
    assertThat(cache.loaded()).containsExactly(new ModelCache.Key("churn", 2));
  }

  @Test
  void shadowsGetACopyThatIsRecordedButNeverAnswers() throws Exception {
    deployments.create("s", spec(null, List.of(Target.parse("shadows", "churn/2")), "churn/1"));
    for (int i = 0; i < 5; i++) {
      assertThat(score("s", Map.of()).served().modelVersion()).isEqualTo(1);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (recorded.stream().filter(PredictionRecord::shadow).count() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(recorded).filteredOn(PredictionRecord::shadow).hasSize(5)
        .allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(2));
    assertThat(recorded).filteredOn(r -> !r.shadow()).hasSize(5)
        .allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(1));
  }

  @Test
  void aMovedAliasSwapsUnderLoadWithNoFailedRequestAndTheOldVersionIsReleased() throws Exception {
    deployments.create("live", spec(null, List.of(), "churn@champion"));
    score("live", Map.of());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean swapped = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger afterSwapOld = new AtomicInteger();
    AtomicInteger afterSwapNew = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          try {
            boolean after = swapped.get();
            int v = score("live", Map.of()).served().modelVersion();
            ok.incrementAndGet();
            if (after) {
              (v == 2 ? afterSwapNew : afterSwapOld).incrementAndGet();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }
      });
      t.start();
      clients.add(t);
    }
    waitFor(() -> ok.get() > 200);
    registry.setAlias("churn", "champion", 2);
    assertThat(tables.table("live").refresh()).isTrue();
    swapped.set(true);
    int before = ok.get();
    waitFor(() -> ok.get() > before + 200);
    stop.set(true);
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(failures).isEmpty();
    assertThat(afterSwapOld.get()).isZero();
    assertThat(afterSwapNew.get()).isGreaterThan(0);
    assertThat(cache.loaded()).containsExactly(new ModelCache.Key("churn", 2));
    assertThat(tables.table("live").refresh()).as("nothing changed since").isFalse();
  }

  @Test
  void aMissingDeploymentOrVersionIsNamed() {
    assertThatThrownBy(() -> tables.table("nope")).isInstanceOf(CairnException.class)
        .hasMessageContaining("nope");
    deployments.create("one", spec(null, List.of(), "churn/1"));
    try (ServingTable.Lease lease = tables.table("one").lease()) {
      assertThatThrownBy(() -> lease.version(2)).isInstanceOf(CairnException.class)
          .hasMessageContaining("no route to model version 2");
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(5);
    }
  }
  @Test
  void aCanaryTakesItsPercentFirstAndItsStickyKeysStayAsItRampsWhileTheRoutesKeepTheirSplit() {
    registry.createModelVersion(new NewModelVersion("churn", v2.toString(), null, null, null, null, null, null));
    Sticky sticky = Sticky.parse("header:X-User");
    DeploymentSpec base = spec(sticky, List.of(), "churn/1=50", "churn/2=50");
    Canary at10 = new Canary(new Target("churn", 3, null), 10, "p99_ms < 50", "1m", null);
    deployments.create("c", new DeploymentSpec(null, base.routes(), List.of(), sticky, at10));
    Map<String, Integer> before = new HashMap<>();
    int onCanary = 0;
    try (ServingTable.Lease lease = tables.table("c").lease()) {
      for (int k = 0; k < 20_000; k++) {
        String user = "user-" + k;
        Served s = lease.pick(h -> h.equals("X-User") ? user : null, List.of());
        before.put(user, s.modelVersion());
        onCanary += s.modelVersion() == 3 ? 1 : 0;
      }
      // 20000 keys at 10%: mean 2000, sd 42; six sd either side
      assertThat(onCanary).isBetween(1746, 2254);
      int drawn = 0;
      for (int i = 0; i < 100_000; i++) {
        drawn += lease.pick(h -> null, List.of()).modelVersion() == 3 ? 1 : 0;
      }
      assertThat(drawn).as("without a key: 100000 draws at 10%, sd 95").isBetween(9430, 10570);
    }
    assertThat(cache.loaded()).contains(new ModelCache.Key("churn", 3));

    var d = deployments.get("c");
    Canary ramping = new Canary(at10.target(), 10, at10.until(), at10.forDuration(), null,
        new Canary.Plan(List.of(10, 50), 0, null), null);
    deployments.update("c", d.version(), new DeploymentPatch(null, null, null, null,
        java.util.Optional.of(ramping.nextStep(1, "held"))));
    tables.refreshAll();
    try (ServingTable.Lease lease = tables.table("c").lease()) {
      for (Map.Entry<String, Integer> e : before.entrySet()) {
        Served s = lease.pick(h -> h.equals("X-User") ? e.getKey() : null, List.of());
        if (e.getValue() == 3) {
          assertThat(s.modelVersion()).as("%s stays on the canary", e.getKey()).isEqualTo(3);
        } else if (s.modelVersion() != 3) {
          assertThat(s.modelVersion()).as("%s keeps its route", e.getKey()).isEqualTo(e.getValue());
        }
      }
    }

    d = deployments.get("c");
    deployments.update("c", d.version(), new DeploymentPatch(null, null, null, null, java.util.Optional.of(
        d.spec().canary().withState(Canary.State.ROLLED_BACK, "worse"))));
    tables.refreshAll();
    try (ServingTable.Lease lease = tables.table("c").lease()) {
      for (int i = 0; i < 2000; i++) {
        assertThat(lease.pick(h -> null, List.of()).modelVersion()).isNotEqualTo(3);
      }
    }
    assertThat(cache.loaded()).doesNotContain(new ModelCache.Key("churn", 3));
  }
}
