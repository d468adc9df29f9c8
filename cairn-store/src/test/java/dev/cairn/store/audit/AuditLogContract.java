package dev.cairn.store.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditVerification;
import dev.cairn.core.CairnException;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The audit log on a real database: events ride in the transaction of their write, and tampering is found. */
abstract class AuditLogContract {
  private static final String ROOT = "file:///tmp/cairn-artifacts";

  protected SqlDatabase db;
  protected MetadataStore store;
  protected AuditLog log;

  /** The backend store URI of a fresh, empty database. */
  protected abstract String newDatabaseUri();

  /** A plain JDBC connection to the same database, beside the store's, as someone editing the file would use. */
  protected abstract Connection direct() throws SQLException;

  @BeforeEach
  void open() {
    db = MetadataStores.openDatabase(newDatabaseUri(), List.of());
    store = MetadataStores.open(db, ROOT); // owns db
    log = new AuditLog(db);
  }

  @AfterEach
  void close() {
    AuditScope.clear();
    if (store != null) {
      store.close();
    }
  }

  private static AuditScope scope(String actor) {
    return new AuditScope(actor, "req-" + actor, "10.0.0.7", "POST /api/2.0/mlflow/test");
  }

  private List<AuditEvent> all() {
    List<AuditEvent> events = new ArrayList<>();
    String token = null;
    do {
      Page<AuditEvent> page = log.search(new AuditLog.Query(null, null, null, null, null, false, 1000, token));
      events.addAll(page.items());
      token = page.nextPageToken();
    } while (token != null);
    return events;
  }

  @Test
  void aWriteInsideAScopeAppendsOneEventDescribingIt() {
    AuditScope.enter(scope("ada"));
    String id = store.createExperiment("churn", null, List.of());
    store.renameExperiment(id, "churn-v2");
    String run = store.createRun(id, "ada", 1, "r1", List.of()).runId();
    store.logBatch(run, List.of(new Metric("loss", 0.5, 1, 0)), null, null);

    List<AuditEvent> events = all();
    assertThat(events).extracting(AuditEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
    AuditEvent created = events.get(0);
    assertThat(created.actor()).isEqualTo("ada");
    assertThat(created.requestId()).isEqualTo("req-ada");
    assertThat(created.sourceAddress()).isEqualTo("10.0.0.7");
    assertThat(created.action()).isEqualTo("POST /api/2.0/mlflow/test");
    assertThat(created.target()).isEqualTo("experiment:" + id);
    assertThat(created.after()).contains("\"name\":\"churn\"");
    assertThat(created.previousHash()).isEqualTo(AuditEvent.GENESIS_HASH);
    assertThat(events.get(1).before()).isEqualTo("{\"name\":\"churn\"}");
    assertThat(events.get(1).after()).isEqualTo("{\"name\":\"churn-v2\"}");
    assertThat(events.get(2).target()).isEqualTo("run:" + run);
    assertThat(events.get(3).target()).isEqualTo("run:" + run);
    assertThat(events.get(3).after()).isEqualTo("{\"metrics\":1,\"params\":0,\"tags\":0}");
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).previousHash()).isEqualTo(events.get(i - 1).hash());
    }
    assertThat(events).allMatch(AuditEvent::isHashValid);
    assertThat(log.verify()).isEqualTo(AuditVerification.passed(4));
  }

  @Test
  void aNamedActionFromTheStoreReplacesTheRoute() {
    AuditScope.enter(scope("ada"));
    db.write(h -> {
      AuditScope.describe("registry.alias.set", AuditEvent.target("model", "churn/3"), null,
          AuditScope.summary("alias", "champion", "version", 3));
      return null;
    });
    AuditEvent e = all().get(0);
    assertThat(e.action()).isEqualTo("registry.alias.set");
    assertThat(e.target()).isEqualTo("model:churn/3");
    assertThat(e.targetKind()).isEqualTo("model");
    assertThat(e.after()).isEqualTo("{\"alias\":\"champion\",\"version\":3}");
  }

  @Test
  void writesWithoutAScopeAppendNothing() {
    String id = store.createExperiment("quiet", null, List.of());
    store.createRun(id, "ada", 1, "r", List.of());
    assertThat(log.size()).isZero();
    assertThat(all()).isEmpty();
    assertThat(log.verify()).isEqualTo(AuditVerification.passed(0));
  }

  @Test
  void aFailedWriteLeavesNoEventAndItsRollbackKeepsTheChainWhole() {
    AuditScope.enter(scope("ada"));
    String id = store.createExperiment("a", null, List.of());
    store.createExperiment("b", null, List.of());
    assertThatThrownBy(() -> store.renameExperiment(id, "b")).isInstanceOf(CairnException.class);
    assertThatThrownBy(() -> db.write(h -> {
      h.execute("UPDATE experiments SET name = 'changed' WHERE experiment_id = " + id);
      AuditScope.describe(AuditEvent.target("experiment", id), null, null);
      throw new IllegalStateException("undo me");
    })).hasMessageContaining("undo me");
    assertThat(store.getExperiment(id).name()).isEqualTo("a");
    assertThat(log.size()).isEqualTo(2);
    store.createExperiment("c", null, List.of());
    assertThat(all()).extracting(AuditEvent::sequence).containsExactly(1L, 2L, 3L);
    assertThat(log.verify().ok()).isTrue();
  }

  @Test
  @Timeout(120)
  void concurrentWritersMakeOneUnbrokenChainAndFailuresLeaveNoEvents() throws Exception {
    String experiment = store.createExperiment("busy", null, List.of());
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(store.createRun(experiment, "ada", 1, "r" + i, List.of()).runId());
    }
    int threads = 8;
    int writesEach = 40;
    AtomicInteger succeeded = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        AuditScope.enter(scope("user" + thread));
        try {
          for (int i = 0; i < writesEach; i++) {
            String run = runs.get((thread + i) % runs.size());
            try {
              if (i % 5 == 4) { // a failing write among the others (on SQLite, in the same group commit)
                store.logBatch("ffffffffffffffffffffffffffffffff", List.of(new Metric("m", 1, 1, i)), null, null);
              } else {
                store.logBatch(run, List.of(new Metric("m" + thread, i, 1, i)), null,
                    List.of(new Tag("t" + thread, Integer.toString(i))));
              }
              succeeded.incrementAndGet();
            } catch (CairnException expected) {
              // the missing run: no event
            }
          }
        } finally {
          AuditScope.clear();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(100, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(succeeded.get()).isEqualTo(threads * writesEach * 4 / 5);
    List<AuditEvent> events = all();
    assertThat(events).hasSize(succeeded.get());
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).sequence()).isEqualTo(i + 1);
      assertThat(events.get(i).previousHash()).isEqualTo(i == 0 ? AuditEvent.GENESIS_HASH : events.get(i - 1).hash());
    }
    assertThat(events).extracting(AuditEvent::actor).contains("user0", "user7");
    assertThat(log.verify()).isEqualTo(AuditVerification.passed(succeeded.get()));
  }

  private void appendEvents(int n) {
    AuditScope.enter(scope("ada"));
    String id = store.createExperiment("tamper", null, List.of());
    for (int i = 1; i < n; i++) {
      store.setExperimentTag(id, new Tag("k", Integer.toString(i)));
    }
    AuditScope.clear();
    assertThat(log.verify()).isEqualTo(AuditVerification.passed(n));
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = direct(); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  @Test
  void aChangedEventIsNamed() throws SQLException {
    appendEvents(10);
    execute("UPDATE audit_events SET actor = 'mallory' WHERE sequence = 6");
    AuditVerification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.checked()).isEqualTo(5);
    assertThat(v.firstBad().sequence()).isEqualTo(6);
    assertThat(v.firstBad().reason()).contains("changed");
  }

  @Test
  void aChangedEventWithARecomputedHashIsCaughtAtTheNextLink() throws SQLException {
    appendEvents(10);
    AuditEvent e = all().get(5);
    String forged = AuditEvent.hashOf(e.previousHash(), e.sequence(), e.timeMs(), "mallory", e.action(), e.target(),
        e.before(), e.after(), e.requestId(), e.sourceAddress());
    execute("UPDATE audit_events SET actor = 'mallory', hash = '" + forged + "' WHERE sequence = 6");
    AuditVerification v = log.verify();
    assertThat(v.firstBad().sequence()).isEqualTo(7);
    assertThat(v.firstBad().reason()).contains("previous hash");
  }

  @Test
  void aRemovedEventIsNamed() throws SQLException {
    appendEvents(10);
    execute("DELETE FROM audit_events WHERE sequence = 4");
    AuditVerification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBad().sequence()).isEqualTo(4);
    assertThat(v.firstBad().reason()).contains("missing");
  }

  @Test
  void eventsRemovedFromTheEndAreFoundThroughTheHead() throws SQLException {
    appendEvents(10);
    execute("DELETE FROM audit_events WHERE sequence >= 9");
    AuditVerification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.checked()).isEqualTo(8);
    assertThat(v.firstBad().sequence()).isEqualTo(9);
    assertThat(v.firstBad().reason()).contains("head");
  }

  @Test
  void twoEventsWithSwappedContentsAreFoundAtTheFirst() throws SQLException {
    appendEvents(10);
    String columns = "time_ms, actor, action, target, before_json, after_json, request_id, source_address,"
        + " previous_hash, hash";
    try (Connection c = direct()) {
      c.setAutoCommit(false);
      List<Object[]> rows = new ArrayList<>();
      for (int seq : new int[] {3, 7}) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM audit_events WHERE sequence = ?")) {
          ps.setInt(1, seq);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            Object[] row = new Object[10];
            for (int i = 0; i < 10; i++) {
              row[i] = rs.getObject(i + 1);
            }
            rows.add(row);
          }
        }
      }
      String update = "UPDATE audit_events SET time_ms = ?, actor = ?, action = ?, target = ?, before_json = ?,"
          + " after_json = ?, request_id = ?, source_address = ?, previous_hash = ?, hash = ? WHERE sequence = ?";
      int[] targets = {7, 3};
      for (int r = 0; r < 2; r++) {
        try (PreparedStatement ps = c.prepareStatement(update)) {
          for (int i = 0; i < 10; i++) {
            ps.setObject(i + 1, rows.get(r)[i]);
          }
          ps.setInt(11, targets[r]);
          ps.executeUpdate();
        }
      }
      c.commit();
    }
    AuditVerification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBad().sequence()).isEqualTo(3);
    assertThat(v.firstBad().reason()).contains("reordered");
  }

  @Test
  void searchFiltersAndPages() {
    AuditScope.enter(scope("ada"));
    String e1 = store.createExperiment("one", null, List.of());
    String run = store.createRun(e1, "ada", 1, "r", List.of()).runId();
    AuditScope.enter(scope("bob"));
    String e2 = store.createExperiment("two", null, List.of());
    for (int i = 0; i < 5; i++) {
      store.setExperimentTag(e2, new Tag("k", "v" + i));
    }
    AuditScope.clear();

    assertThat(log.search(new AuditLog.Query("ada", null, null, null, null, false, 100, null)).items())
        .extracting(AuditEvent::target).containsExactly("experiment:" + e1, "run:" + run);
    assertThat(log.search(new AuditLog.Query(null, "run:", null, null, null, false, 100, null)).items())
        .extracting(AuditEvent::target).containsExactly("run:" + run);
    assertThat(log.search(new AuditLog.Query(null, "experiment:" + e2, null, null, null, true, 100, null)).items())
        .hasSize(6).extracting(AuditEvent::sequence).containsExactly(8L, 7L, 6L, 5L, 4L, 3L);
    assertThat(log.search(new AuditLog.Query(null, null, "POST /api/2.0/mlflow/test", null, null, false, 100, null))
        .items()).hasSize(8);
    assertThat(log.search(new AuditLog.Query(null, null, "other", null, null, false, 100, null)).items()).isEmpty();
    long now = System.currentTimeMillis();
    assertThat(log.search(new AuditLog.Query(null, null, null, now + 60_000, null, false, 100, null)).items()).isEmpty();
    assertThat(log.search(new AuditLog.Query(null, null, null, now - 600_000, now + 1, false, 100, null)).items())
        .hasSize(8);

    List<Long> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<AuditEvent> page = log.search(new AuditLog.Query(null, null, null, null, null, true, 3, token));
      page.items().forEach(e -> seen.add(e.sequence()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    assertThat(seen).containsExactly(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    assertThat(pages).isEqualTo(3);
    assertThatThrownBy(() -> new AuditLog.Query(null, null, null, null, null, true, 1001, null))
        .hasMessageContaining("max_results 1001");
    assertThatThrownBy(() -> log.search(new AuditLog.Query(null, null, null, null, null, true, 3, "x")))
        .hasMessageContaining("page_token 'x'");
  }
}
