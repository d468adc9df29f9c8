package dev.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a SQLite file, plus what only a file shows: reopening keeps data and migrations run once. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  protected MetadataStore newStore() {
    return MetadataStores.open("sqlite:" + dir.resolve("nested/dirs/cairn.db"), ROOT);
  }

  @Test
  void reopeningKeepsDataAndCreatesParentDirectories() {
    String id = store.createExperiment("kept", null, List.of());
    store.close();
    store = null;
    assertThat(Files.exists(dir.resolve("nested/dirs/cairn.db"))).isTrue();
    try (MetadataStore again = newStore()) {
      assertThat(again.getExperiment(id).name()).isEqualTo("kept");
      assertThat(again.getExperiment("0").name()).isEqualTo("Default");
    }
  }

  @Test
  void writesWaitOutAnotherConnectionsWriteLockAndReadsGoOn() throws Exception {
    String run = store.createRun("0", "ada", 1, "r", List.of()).runId();
    String url = "jdbc:sqlite:" + dir.resolve("nested/dirs/cairn.db");
    try (java.sql.Connection other = java.sql.DriverManager.getConnection(url);
        java.sql.Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE"); // another process (a CLI) holds the write lock for a while
      java.util.concurrent.CompletableFuture<Void> write = java.util.concurrent.CompletableFuture.runAsync(
          () -> store.logBatch(run, List.of(new dev.cairn.tracking.Metric("m", 1, 1, 1)), null, null));
      Thread.sleep(1500);
      assertThat(write).as("the write waits for the lock").isNotDone();
      assertThat(store.getRun(run).info().runName()).isEqualTo("r"); // WAL: reads are not blocked
      s.execute("COMMIT");
      write.get(60, java.util.concurrent.TimeUnit.SECONDS); // then it lands, no SQLITE_BUSY
    }
    assertThat(store.getMetricHistory(run, "m", 0, null).items()).hasSize(1);
  }

  /**
   * Searches ordered by a metric or param walk that key's index and stop at the page (widening, then falling back
   * to the full sort when the filter is too selective): paging through every page gives exactly the order MLflow
   * defines, computed here in plain Java.
   */
  @Test
  void orderedSearchPagesMatchAPlainJavaSortWhicheverWayTheyAreAnswered() {
    String exp = store.createExperiment("walk", null, List.of());
    java.util.Random random = new java.util.Random(11);
    record Row(String id, long start, Double m, String p) {}
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      String id = store.createRun(exp, "u", 1000 + i, "r" + i, List.of()).runId();
      int kind = random.nextInt(20);
      Double m = kind == 0 ? null : kind == 1 ? Double.NaN : (double) random.nextInt(400) / 400; // ties on purpose
      String p = Integer.toString(i % 7);
      store.logBatch(id, m == null ? List.of() : List.of(new dev.cairn.tracking.Metric("m", m, 1, 0)),
          List.of(new dev.cairn.tracking.Param("p", p)), List.of());
      rows.add(new Row(id, 1000 + i, m, p));
    }
    java.util.Comparator<Row> tieBreak = java.util.Comparator.comparingLong(Row::start).reversed()
        .thenComparing(Row::id);
    java.util.Comparator<Row> byMetricDesc = java.util.Comparator.<Row>comparingInt(
            r -> r.m() == null ? 2 : r.m().isNaN() ? 1 : 0)
        .thenComparing(r -> r.m() == null || r.m().isNaN() ? 0 : -r.m())
        .thenComparing(tieBreak);
    java.util.Comparator<Row> byParam = java.util.Comparator.comparing(Row::p).thenComparing(tieBreak);
    record Case(String filter, String order, java.util.function.Predicate<Row> test, java.util.Comparator<Row> sort) {}
    List<Case> cases = List.of(
        new Case("params.p = '3'", "metrics.m DESC", r -> r.p().equals("3"), byMetricDesc),
        new Case("params.p = '3' AND metrics.m > 0.99", "metrics.m DESC",
            r -> r.p().equals("3") && r.m() != null && r.m() > 0.99, byMetricDesc),
        new Case(null, "metrics.m DESC", r -> true, byMetricDesc),
        new Case(null, "params.p", r -> true, byParam),
        new Case("metrics.m < 0.5", "params.p", r -> r.m() != null && !r.m().isNaN() && r.m() < 0.5, byParam));
    for (Case c : cases) {
      List<String> expected = rows.stream().filter(c.test()).sorted(c.sort()).map(Row::id).toList();
      List<String> paged = new java.util.ArrayList<>();
      String token = null;
      do {
        dev.cairn.tracking.Page<dev.cairn.tracking.Run> page = store.searchRuns(List.of(exp), c.filter(),
            dev.cairn.tracking.ViewType.ACTIVE_ONLY, 40, List.of(c.order()), token);
        page.items().forEach(r -> paged.add(r.info().runId()));
        token = page.nextPageToken();
      } while (token != null);
      assertThat(paged).as(c.filter() + " order by " + c.order()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void unknownSchemeNamesKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetadataStores.open("mysql://x", ROOT))
        .hasMessageContaining("sqlite:").hasMessageContaining("postgresql:");
  }
}
