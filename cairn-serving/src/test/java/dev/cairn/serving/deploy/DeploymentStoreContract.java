package dev.cairn.serving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.ModelRegistryStore.NewModelVersion;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database backing {@link DeploymentStore} must do; run on SQLite and PostgreSQL. */
abstract class DeploymentStoreContract {
  protected abstract SqlDatabase newDatabase();

  SqlDatabase db;
  ModelRegistryStore registry;
  DeploymentStore store;

  @BeforeEach
  void open() {
    db = newDatabase();
    registry = ModelRegistryStore.on(db);
    store = new DeploymentStore(db, registry);
    registry.createRegisteredModel("churn", null, Map.of());
    for (int i = 0; i < 4; i++) {
      registry.createModelVersion(new NewModelVersion("churn", "s3://m/churn/" + i, null, null, null, null, null, null));
    }
    registry.setAlias("churn", "champion", 1);
  }

  @AfterEach
  void close() {
    AuditScope.clear();
    db.close();
  }

  static DeploymentSpec spec(String... routes) {
    List<Route> r = new ArrayList<>();
    for (String text : routes) {
      r.add(Route.parse("routes", text));
    }
    return new DeploymentSpec(null, r, List.of(), null, null);
  }

  @Test
  void createdDeploymentsReadBackWithVersionOneAndWhoMadeThem() {
    AuditScope.enter(new AuditScope("alice", "r1", "127.0.0.1", "test"));
    DeploymentSpec spec = new DeploymentSpec("churn A/B", List.of(Route.parse("r", "churn@champion=90"),
        Route.parse("r", "churn/3=10")), List.of(Target.parse("s", "churn/4")), Sticky.parse("header:X-User"),
        new Canary(Target.parse("c", "churn/2"), 10, "error_rate < 0.01", "30m", null));
    Deployment created = store.create("churn-api", spec);
    assertThat(created.version()).isEqualTo(1);
    assertThat(created.createdBy()).isEqualTo("alice");
    Deployment read = store.get("churn-api");
    assertThat(read).isEqualTo(created);
    assertThat(read.spec().canary().state()).isEqualTo(Canary.State.RAMPING);
    assertThat(read.spec().sticky()).isEqualTo(new Sticky(Sticky.Source.HEADER, "X-User"));
    assertThat(read.spec().shadows()).containsExactly(new Target("churn", 4, null));
  }

  @Test
  void aTakenNameAndAnUnknownOneAreRefused() {
    store.create("a", spec("churn/1"));
    assertThatThrownBy(() -> store.create("a", spec("churn/2")))
        .isInstanceOfSatisfying(CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS))
        .hasMessageContaining("deployment 'a' already exists");
    assertThatThrownBy(() -> store.get("nope"))
        .isInstanceOfSatisfying(CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessage("deployment 'nope' does not exist");
  }

  @Test
  void targetsMissingFromTheRegistryAreRefusedNamingTheField() {
    assertThatThrownBy(() -> store.create("a", spec("churn/1=50", "churn/9=50")))
        .isInstanceOfSatisfying(CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("field 'routes[1].target' target churn/9 does not exist in the registry");
    assertThatThrownBy(() -> store.create("a", spec("churn@staging")))
        .hasMessageContaining("field 'routes[0].target' target churn@staging").hasMessageContaining("staging");
    assertThatThrownBy(() -> store.create("a", spec("fraud/1")))
        .hasMessageContaining("field 'routes[0].target' target fraud/1").hasMessageContaining("fraud");
    assertThatThrownBy(() -> store.create("a", new DeploymentSpec(null, spec("churn/1").routes(),
        List.of(Target.parse("s", "churn@shadowy")), null, null)))
        .hasMessageContaining("field 'shadows[0]' target churn@shadowy");
    assertThat(store.list(10, null).items()).isEmpty();
    assertThat(store.history("a", 10, null).items()).isEmpty();
  }

  @Test
  void updatesNameTheVersionTheyReadAndAStaleOneConflicts() {
    store.create("a", spec("churn@champion=90", "churn/3=10"));
    Deployment v2 = store.update("a", 1, DeploymentPatch.routes(spec("churn@champion=50", "churn/3=50").routes()));
    assertThat(v2.version()).isEqualTo(2);
    assertThat(store.get("a").spec().routes()).extracting(Route::weight).containsExactly(50, 50);

    assertThatThrownBy(() -> store.update("a", 1, DeploymentPatch.routes(spec("churn/2").routes())))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("is at version 2, not the expected_version 1");
    assertThat(store.get("a").version()).isEqualTo(2);

    Deployment v3 = store.update("a", 2, new DeploymentPatch("now sticky", null, List.of(Target.parse("s", "churn/4")),
        Optional.of(Sticky.parse("field:customer_id")), null));
    assertThat(v3.spec().routes()).extracting(Route::weight).containsExactly(50, 50); // untouched
    assertThat(v3.spec().sticky().toString()).isEqualTo("field:customer_id");
    assertThat(v3.spec().description()).isEqualTo("now sticky");
    Deployment v4 = store.update("a", 3, new DeploymentPatch(null, null, null, Optional.empty(), null));
    assertThat(v4.spec().sticky()).isNull();
    assertThat(store.get("a")).isEqualTo(v4);
  }

  @Test
  void anInvalidUpdateChangesNothing() {
    store.create("a", spec("churn/1"));
    assertThatThrownBy(() -> store.update("a", 1, DeploymentPatch.routes(spec("churn/1=60", "churn/2=30").routes())))
        .hasMessageContaining("weights sum to 90");
    assertThatThrownBy(() -> store.update("a", 1, DeploymentPatch.routes(spec("churn/1=60", "churn/7=40").routes())))
        .hasMessageContaining("routes[1].target");
    assertThat(store.get("a").version()).isEqualTo(1);
    assertThat(store.history("a", 10, null).items()).hasSize(1);
  }

  @Test
  void listPagesByName() {
    for (String n : List.of("c", "a", "b")) {
      store.create(n, spec("churn/1"));
    }
    Page<Deployment> first = store.list(2, null);
    assertThat(first.items()).extracting(Deployment::name).containsExactly("a", "b");
    Page<Deployment> second = store.list(2, first.nextPageToken());
    assertThat(second.items()).extracting(Deployment::name).containsExactly("c");
    assertThat(second.nextPageToken()).isNull();
    assertThatThrownBy(() -> store.list(0, null)).hasMessageContaining("max_results is 0; it must be 1 to 1000");
  }

  @Test
  void historyKeepsEveryChangeWithBeforeAndAfterAndOutlivesADelete() {
    AuditScope.enter(new AuditScope("alice", "r1", null, "test"));
    store.create("a", spec("churn/1"));
    AuditScope.enter(new AuditScope("bob", "r2", null, "test"));
    store.update("a", 1, DeploymentPatch.routes(spec("churn/1=80", "churn/2=20").routes()));
    assertThatThrownBy(() -> store.delete("a", 1L)).hasMessageContaining("expected_version 1");
    store.delete("a", 2L);
    assertThatThrownBy(() -> store.get("a")).hasMessageContaining("does not exist");

    List<DeploymentChange> history = store.history("a", 10, null).items();
    assertThat(history).extracting(DeploymentChange::kind).containsExactly("delete", "update", "create");
    assertThat(history).extracting(DeploymentChange::actor).containsExactly("bob", "bob", "alice");
    assertThat(history).extracting(DeploymentChange::version).containsExactly(null, 2L, 1L);
    assertThat(history.get(2).before()).isNull();
    assertThat(history.get(1).before()).contains("\"churn/1\"").contains("\"weight\":100");
    assertThat(history.get(1).after()).contains("\"weight\":80").contains("\"churn/2\"");
    assertThat(history.get(0).after()).isNull();

    // re-created, the history goes on counting
    store.create("a", spec("churn/3"));
    assertThat(store.history("a", 1, null).items().get(0).seq()).isEqualTo(4);
    Page<DeploymentChange> page = store.history("a", 3, null);
    assertThat(page.nextPageToken()).isNotNull();
    assertThat(store.history("a", 3, page.nextPageToken()).items()).extracting(DeploymentChange::seq)
        .containsExactly(1L);
  }

  @Test
  void rollbackPutsBackAnEarlierRoutingAsANewVersion() {
    store.create("a", spec("churn/1"));
    store.update("a", 1, DeploymentPatch.routes(spec("churn/1=10", "churn/2=90").routes()));
    Deployment back = store.rollback("a", 1, 2);
    assertThat(back.version()).isEqualTo(3);
    assertThat(back.spec().routes()).containsExactly(new Route(new Target("churn", 1, null), 100));
    assertThat(store.history("a", 1, null).items().get(0).kind()).isEqualTo("rollback");
    assertThatThrownBy(() -> store.rollback("a", 1, 2)).hasMessageContaining("expected_version 2");
    assertThatThrownBy(() -> store.rollback("a", 99, 3)).hasMessageContaining("has no history entry 99");
  }

  @Test
  void resolutionFollowsTheAliasWhenItMoves() {
    Deployment d = store.create("a", new DeploymentSpec(null, spec("churn@champion=70", "churn/3=30").routes(),
        List.of(Target.parse("s", "churn/4")), null, null));
    DeploymentRouting.Resolved r = DeploymentRouting.resolve(d, registry);
    assertThat(r.routes()).extracting(x -> x.version().version()).containsExactly(1, 3);
    assertThat(r.shadows()).extracting(x -> x.version().version()).containsExactly(4);
    assertThat(r.routes().get(0).version().source()).isEqualTo("s3://m/churn/0");

    registry.setAlias("churn", "champion", 2);
    assertThat(DeploymentRouting.resolve(store.get("a"), registry).routes())
        .extracting(x -> x.version().version()).containsExactly(2, 3);

    registry.deleteAlias("churn", "champion");
    assertThatThrownBy(() -> DeploymentRouting.resolve(store.get("a"), registry))
        .isInstanceOfSatisfying(CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("champion");
  }

  @Test
  void aProtectedAliasIsAFineTarget() {
    PromotionStore.on(db, registry).setPolicy("churn", "champion", 1, "admin");
    Deployment d = store.create("a", spec("churn@champion"));
    assertThat(DeploymentRouting.resolve(d, registry).routes().get(0).version().version()).isEqualTo(1);
  }

  @Test
  void writesInsideAnAuditedRequestAppendAuditEvents() {
    AuditScope.enter(new AuditScope("alice", "r1", null, "POST /api/cairn/v1/deployments"));
    store.create("a", spec("churn/1"));
    store.update("a", 1, DeploymentPatch.routes(spec("churn/1=10", "churn/2=90").routes()));
    List<Map<String, Object>> events = db.read(h -> h.createQuery("SELECT action, target, actor, after_json"
        + " FROM audit_events ORDER BY sequence").mapToMap().list());
    assertThat(events).extracting(e -> e.get("action")).containsExactly("deployment.create", "deployment.update");
    assertThat(events).extracting(e -> e.get("target")).containsOnly("deployment:a");
    assertThat(String.valueOf(events.get(1).get("after_json"))).contains("\"weight\":90");
  }

  @Test
  void concurrentUpdatesOfOneVersionLetExactlyOneThrough() throws Exception {
    store.create("a", spec("churn/1"));
    int writers = 6;
    List<Object> outcomes = race(writers, i -> store.update("a", 1,
        DeploymentPatch.routes(spec("churn/1=" + (10 + i), "churn/2=" + (90 - i)).routes())));
    assertThat(outcomes).filteredOn(o -> o instanceof Deployment).hasSize(1);
    assertThat(outcomes).filteredOn(o -> o instanceof CairnException c && c.code() == ErrorCode.CONFLICT)
        .hasSize(writers - 1);
    assertThat(store.get("a").version()).isEqualTo(2);
    assertThat(store.history("a", 10, null).items()).hasSize(2);
  }

  @Test
  void concurrentCreatesOfOneNameLetExactlyOneThrough() throws Exception {
    int writers = 6;
    List<Object> outcomes = race(writers, i -> store.create("a", spec("churn/" + (1 + i % 4))));
    assertThat(outcomes).filteredOn(o -> o instanceof Deployment).hasSize(1);
    assertThat(outcomes).filteredOn(o -> o instanceof CairnException c
        && c.code() == ErrorCode.RESOURCE_ALREADY_EXISTS).hasSize(writers - 1);
    assertThat(store.history("a", 10, null).items()).hasSize(1);
  }

  /** Runs {@code work(i)} on {@code n} threads released together; each outcome is the result or the exception. */
  private static List<Object> race(int n, java.util.function.IntFunction<Object> work) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          go.await();
          try {
            return work.apply(index);
          } catch (CairnException e) {
            return e;
          }
        }));
      }
      go.countDown();
      List<Object> outcomes = new ArrayList<>();
      for (java.util.concurrent.Future<Object> f : futures) {
        outcomes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }
}
