package dev.cairn.store.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.Dialect;
import dev.cairn.tracking.ViewType;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the rendered search SQL on a real database with the Flyway schema. SQLite and PostgreSQL subclasses
 * run the same cases, so the SQL is shown to mean the same on both.
 */
abstract class SearchSqlContract {
  static final String INJECTION_KEY = "x'; DROP TABLE runs; --";

  static final String R1 = run(1);
  static final String R2 = run(2);
  static final String R3 = run(3);
  static final String R4 = run(4);
  static final String R6 = run(6);
  static final String R7 = run(7);

  protected abstract Jdbi jdbi();

  protected abstract Dialect dialect();

  static String run(int n) {
    return String.valueOf(n).repeat(32);
  }

  @BeforeEach
  void loadFixture() {
    jdbi().useTransaction(h -> {
      for (String table : List.of("input_tags", "run_inputs", "datasets", "latest_metrics", "metric_points",
          "metric_series", "tags", "params", "runs", "experiment_tags", "experiments")) {
        h.execute("DELETE FROM " + table);
      }
      experiment(h, 1, "alpha", "active", 100, 150);
      experiment(h, 2, "Beta", "active", 200, 250);
      experiment(h, 3, "gamma", "deleted", 300, 350);
      h.execute("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (1, 'owner', 'ann'), "
          + "(2, 'owner', 'Bob')");

      run(h, R1, 1, "Train-One", "alice", "FINISHED", 1000, 1500L, "active");
      run(h, R2, 1, "train-two", "bob", "RUNNING", 2000, null, "active");
      run(h, R3, 1, "eval", null, "FAILED", 3000, null, "active");
      run(h, R4, 1, "gone", "alice", "FINISHED", 4000, 4500L, "deleted");
      run(h, R6, 2, "tie-b", "carol", "FINISHED", 5000, null, "active");
      run(h, R7, 2, "tie-a", "carol", "FINISHED", 5000, null, "active");

      metric(h, R1, "acc", 0.9, false);
      metric(h, R1, "loss", 0, true);
      metric(h, R2, "acc", 0.5, false);
      metric(h, R3, "loss", 0.3, false);
      metric(h, R4, "acc", 0.99, false);
      metric(h, R1, "my key", 7, false);

      keyValue(h, "params", R1, "lr", "0.1");
      keyValue(h, "params", R1, "model", "CNN");
      keyValue(h, "params", R2, "lr", "0.01");
      keyValue(h, "params", R2, "model", "cnn");
      keyValue(h, "tags", R1, "team", "Vision");
      keyValue(h, "tags", R2, "team", "vision");
      keyValue(h, "tags", R1, "promo", "50%_off");
      keyValue(h, "tags", R2, "promo", "50xyoff");
      keyValue(h, "tags", R1, "glob", "a*b");
      keyValue(h, "tags", R2, "glob", "axb");
      keyValue(h, "tags", R3, INJECTION_KEY, "y");

      h.execute("INSERT INTO datasets (dataset_id, experiment_id, name, digest) VALUES (?, 1, 'mnist', 'd1')",
          "d".repeat(32));
      h.execute("INSERT INTO run_inputs (input_id, dataset_id, run_id) VALUES (?, ?, ?)", "i".repeat(32),
          "d".repeat(32), R1);
      h.execute("INSERT INTO input_tags (input_id, key, value) VALUES (?, 'mlflow.data.context', 'training')",
          "i".repeat(32));
    });
  }

  private static void experiment(Handle h, long id, String name, String stage, long created, long updated) {
    h.execute("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, "
        + "last_update_time) VALUES (?, ?, ?, ?, ?, ?)", id, name, "file:/a/" + id, stage, created, updated);
  }

  private static void run(Handle h, String id, long experiment, String name, String user, String status, long start,
      Long end, String stage) {
    h.createUpdate("INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, "
            + "artifact_uri, lifecycle_stage) VALUES (:id, :exp, :name, :user, :status, :start, :end, :uri, :stage)")
        .bind("id", id).bind("exp", experiment).bind("name", name).bind("user", user).bind("status", status)
        .bind("start", start).bind("end", end).bind("uri", "file:/runs/" + id).bind("stage", stage).execute();
  }

  private static void metric(Handle h, String run, String key, double value, boolean nan) {
    h.execute("INSERT INTO latest_metrics (run_id, key, step, timestamp, value, is_nan) VALUES (?, ?, 0, 1, ?, ?)",
        run, key, value, nan ? 1 : 0);
  }

  private static void keyValue(Handle h, String table, String run, String key, String value) {
    h.execute("INSERT INTO " + table + " (run_id, key, value) VALUES (?, ?, ?)", run, key, value);
  }

  // ---------------------------------------------------------------- helpers

  private List<String> runs(String filter, String... orderBy) {
    return runs(List.of(1L), filter, ViewType.ACTIVE_ONLY, List.of(orderBy), 100, 0);
  }

  private List<String> runs(List<Long> experiments, String filter, ViewType view, List<String> orderBy, int limit,
      long offset) {
    return select(SearchSql.runs(experiments, filter, view, orderBy, limit, offset, dialect()));
  }

  private List<Long> experiments(String filter, ViewType view, String... orderBy) {
    SqlQuery q = SearchSql.experiments(filter, view, List.of(orderBy), 100, 0, dialect());
    return jdbi().withHandle(h -> bind(h.createQuery(q.sql()), q.params()).mapTo(Long.class).list());
  }

  private List<String> select(SqlQuery q) {
    return jdbi().withHandle(h -> bind(h.createQuery(q.sql()), q.params()).mapTo(String.class).list());
  }

  private static Query bind(Query query, Map<String, Object> params) {
    params.forEach(query::bind);
    return query;
  }

  private long count(String table) {
    return jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
  }

  // ---------------------------------------------------------------- filters

  @Test
  void noFilterReturnsActiveRunsNewestFirst() {
    assertThat(runs(null)).containsExactly(R3, R2, R1);
  }

  @Test
  void orReturnsRunsMatchingEitherSide() {
    assertThat(runs("metrics.acc > 0.8 OR params.lr = '0.01'")).containsExactly(R2, R1);
  }

  @Test
  void andBindsTighterThanOrInSql() {
    assertThat(runs("params.model = 'CNN' AND metrics.acc > 0.8 OR attributes.status = 'FAILED'"))
        .containsExactly(R3, R1);
    assertThat(runs("params.model = 'CNN' AND (metrics.acc > 0.8 OR attributes.status = 'FAILED')"))
        .containsExactly(R1);
  }

  @Test
  void notIncludesRunsLackingTheKey() {
    assertThat(runs("NOT metrics.acc > 0.8")).containsExactly(R3, R2);
    assertThat(runs("NOT attributes.user_id = 'alice'")).containsExactly(R3, R2);
  }

  @Test
  void equalsIsCaseSensitive() {
    assertThat(runs("tags.team = 'vision'")).containsExactly(R2);
    assertThat(runs("params.model != 'cnn'")).containsExactly(R1);
  }

  @Test
  void likeIsCaseSensitive() {
    assertThat(runs("params.model LIKE 'cn%'")).containsExactly(R2);
    assertThat(runs("params.model LIKE 'C_N'")).containsExactly(R1);
    assertThat(runs("attributes.run_name LIKE 'train%'")).containsExactly(R2);
  }

  @Test
  void ilikeIgnoresCase() {
    assertThat(runs("params.model ILIKE 'cn%'")).containsExactly(R2, R1);
    assertThat(runs("attributes.run_name ILIKE 'TRAIN-%'")).containsExactly(R2, R1);
    assertThat(runs("tags.promo ILIKE '50!_OFF'")).isEmpty();
  }

  @Test
  void likeWildcardsEscapeWithBackslashAndGlobCharactersStayLiteral() {
    assertThat(runs("tags.promo LIKE '50__off'")).containsExactly(R2, R1);
    assertThat(runs("tags.promo LIKE '50\\%\\_off'")).containsExactly(R1);
    assertThat(runs("tags.promo ILIKE '50\\%\\_OFF'")).containsExactly(R1);
    assertThat(runs("tags.glob LIKE 'a*b'")).containsExactly(R1);
    assertThat(runs("tags.glob LIKE 'a?b'")).isEmpty();
    assertThat(runs("tags.glob LIKE 'a[*]b'")).isEmpty();
  }

  @Test
  void inAndNotInMatchRunIds() {
    assertThat(runs("attributes.run_id IN ('" + R1 + "', '" + R3 + "')")).containsExactly(R3, R1);
    assertThat(runs("run_id NOT IN ('" + R1 + "', '" + R3 + "')")).containsExactly(R2);
  }

  @Test
  void nanMetricsNeverSatisfyAComparison() {
    assertThat(runs("metrics.loss >= 0")).containsExactly(R3);
    assertThat(runs("metrics.loss = 0")).isEmpty();
    assertThat(runs("metrics.loss != 0.3")).isEmpty();
    assertThat(runs("metrics.loss IS NOT NULL")).containsExactly(R3, R1);
  }

  @Test
  void notEqualsNeedsTheKeyToExist() {
    assertThat(runs("params.lr != '0.1'")).containsExactly(R2);
    assertThat(runs("attributes.user_id != 'alice'")).containsExactly(R2);
  }

  @Test
  void isNullFindsRunsWithoutTheKeyOrValue() {
    assertThat(runs("metrics.acc IS NULL")).containsExactly(R3);
    assertThat(runs("params.lr IS NULL")).containsExactly(R3);
    assertThat(runs("attributes.end_time IS NULL")).containsExactly(R3, R2);
  }

  @Test
  void quotedMetricKeysMatch() {
    assertThat(runs("metrics.`my key` = 7")).containsExactly(R1);
    assertThat(runs("metrics.\"my key\" < 7")).isEmpty();
  }

  @Test
  void numericAttributesCompareAsNumbers() {
    assertThat(runs("attributes.start_time >= 2000")).containsExactly(R3, R2);
    assertThat(runs("created < 2000")).containsExactly(R1);
    assertThat(runs("attributes.end_time > 0")).containsExactly(R1);
  }

  @Test
  void datasetsMatchByNameDigestAndContext() {
    assertThat(runs("datasets.name = 'mnist'")).containsExactly(R1);
    assertThat(runs("datasets.digest IN ('d1', 'zz')")).containsExactly(R1);
    assertThat(runs("datasets.context = 'training'")).containsExactly(R1);
    assertThat(runs("datasets.context = 'eval' OR datasets.name ILIKE 'MN%'")).containsExactly(R1);
  }

  @Test
  void viewTypeSelectsLifecycleStage() {
    assertThat(runs(List.of(1L), null, ViewType.DELETED_ONLY, List.of(), 100, 0)).containsExactly(R4);
    assertThat(runs(List.of(1L), "metrics.acc > 0.8", ViewType.ALL, List.of(), 100, 0)).containsExactly(R4, R1);
  }

  @Test
  void experimentIdsLimitTheRuns() {
    assertThat(runs(List.of(2L), null, ViewType.ALL, List.of(), 100, 0)).containsExactly(R6, R7);
    assertThat(runs(List.of(1L, 2L), "attributes.user_id = 'carol'", ViewType.ALL, List.of(), 100, 0))
        .containsExactly(R6, R7);
  }

  @Test
  void randomFiltersSelectWhatAPlainJavaEvaluationSelects() {
    List<ReferenceSearch.RunRow> all = jdbi().withHandle(ReferenceSearch::load);
    assertThat(all).hasSize(6);
    List<Filter> filters = ReferenceSearch.fixtureFilters(3).sampleStream().limit(400).toList();
    int nonEmpty = 0;
    try (Handle h = jdbi().open()) {
      for (Filter filter : filters) {
        String printed = FilterPrinter.print(filter);
        List<String> expected = all.stream().filter(r -> ReferenceSearch.matches(filter, r))
            .map(ReferenceSearch.RunRow::id).toList();
        SqlQuery q = SearchSql.runs(List.of(1L, 2L), printed, ViewType.ALL, List.of(), 100, 0, dialect());
        assertThat(bind(h.createQuery(q.sql()), q.params()).mapTo(String.class).list()).as(printed)
            .containsExactlyElementsOf(expected);
        nonEmpty += expected.isEmpty() || expected.size() == all.size() ? 0 : 1;
      }
    }
    assertThat(nonEmpty).as("filters that split the runs").isGreaterThan(filters.size() / 4);
  }

  /**
   * A walk of the first order key's index, at every bound the index holds (and none), with random filters, order
   * keys and pages: whenever it returns a whole page, that page is the full query's. The store relies on exactly this.
   */
  @Test
  void walkingTheOrderIndexGivesTheFullQuerysPageWheneverThePageIsWhole() {
    List<List<String>> orders = List.of(List.of("metrics.acc DESC"), List.of("metrics.acc"), List.of("metrics.loss"),
        List.of("params.lr"), List.of("params.model DESC", "metrics.acc"), List.of("tags.team DESC"),
        List.of("tags.promo", "attributes.start_time"), List.of("params.missing"));
    List<Filter> filters = ReferenceSearch.fixtureFilters(2).sampleStream().limit(25).toList();
    int wholeWalks = 0;
    try (Handle h = jdbi().open()) {
      for (List<String> order : orders) {
        for (int f = -1; f < filters.size(); f++) {
          String filter = f < 0 ? null : FilterPrinter.print(filters.get(f));
          for (int limit = 1; limit <= 3; limit += 2) {
            for (int offset = 0; offset <= 2; offset += 2) {
              SqlQuery full = SearchSql.runs(List.of(1L, 2L), filter, ViewType.ALL, order, limit, offset, dialect());
              List<String> expected = bind(h.createQuery(full.sql()), full.params()).mapTo(String.class).list();
              for (int position : new int[] {0, 1, 3, 7}) {
                SqlQuery boundQuery = SearchSql.walkBound(order, position, dialect());
                List<Object> bound = bind(h.createQuery(boundQuery.sql()), boundQuery.params())
                    .map((rs, ctx) -> rs.getObject(1)).list();
                SqlQuery walk = SearchSql.runs(List.of(1L, 2L), filter, ViewType.ALL, order, limit, offset, dialect(),
                    new SearchSql.Walk(bound.isEmpty() ? null : bound.get(0)));
                List<String> walked = bind(h.createQuery(walk.sql()), walk.params()).mapTo(String.class).list();
                if (walked.size() == limit) {
                  assertThat(walked).as("%s %s limit %d offset %d bound #%d", filter, order, limit, offset, position)
                      .containsExactlyElementsOf(expected);
                  wholeWalks++;
                } else {
                  // a short walk is never wrong about what it holds: a prefix of the full answer
                  assertThat(expected.subList(0, Math.min(expected.size(), walked.size())))
                      .as("short walk: %s %s limit %d offset %d bound #%d", filter, order, limit, offset, position)
                      .containsExactlyElementsOf(walked);
                }
              }
            }
          }
        }
      }
    }
    assertThat(wholeWalks).as("walks that answered").isGreaterThan(50); // about 200 to 400, by the sampled filters
    assertThat(SearchSql.walkBound(List.of("attributes.start_time"), 0, dialect())).isNull();
    assertThat(SearchSql.walkBound(List.of(), 0, dialect())).isNull();
  }

  @Test
  void largestAllowedFiltersRun() {
    String manyOr = String.join(" OR ", java.util.Collections.nCopies(199, "metrics.acc > 2")) + " OR run_name = 'eval'";
    assertThat(runs(manyOr)).containsExactly(R3);
    String manyAnd = String.join(" AND ", java.util.Collections.nCopies(199, "metrics.acc < 2")) + " AND status = 'RUNNING'";
    assertThat(runs(manyAnd)).containsExactly(R2);
    String evenNots = "(NOT ".repeat(24) + "params.model = 'CNN'" + ")".repeat(24);
    assertThat(runs(evenNots)).containsExactly(R1);
    assertThat(runs("NOT " + evenNots)).containsExactly(R3, R2);
  }

  // ---------------------------------------------------------------- order and paging

  @Test
  void equalStartTimesTieBreakOnRunId() {
    assertThat(runs(List.of(2L), null, ViewType.ALL, List.of(), 100, 0)).containsExactly(R6, R7);
    assertThat(runs(List.of(2L), null, ViewType.ALL, List.of("attributes.start_time ASC"), 100, 0))
        .containsExactly(R6, R7);
  }

  @Test
  void orderByMetricPutsMissingLastInBothDirections() {
    assertThat(runs(null, "metrics.acc DESC")).containsExactly(R1, R2, R3);
    assertThat(runs(null, "metrics.acc ASC")).containsExactly(R2, R1, R3);
  }

  @Test
  void orderByMetricPutsNanAfterNumbersAndBeforeMissing() {
    assertThat(runs(null, "metrics.loss")).containsExactly(R3, R1, R2);
    assertThat(runs(null, "metrics.loss DESC")).containsExactly(R3, R1, R2);
  }

  @Test
  void orderByParamsTagsAndAttributesPutsMissingLast() {
    assertThat(runs(null, "params.lr DESC")).containsExactly(R1, R2, R3);
    assertThat(runs(null, "params.lr")).containsExactly(R2, R1, R3);
    assertThat(runs(null, "tags.team")).containsExactly(R1, R2, R3); // 'V' sorts before 'v' in byte order
    assertThat(runs(null, "attributes.user_id DESC")).containsExactly(R2, R1, R3);
    assertThat(runs(null, "attributes.end_time")).containsExactly(R1, R3, R2);
  }

  @Test
  void laterOrderKeysBreakTiesOfEarlierOnes() {
    assertThat(runs(null, "tags.missing", "attributes.status")).containsExactly(R3, R1, R2);
  }

  @Test
  void limitAndOffsetPage() {
    assertThat(runs(List.of(1L), null, ViewType.ACTIVE_ONLY, List.of(), 1, 1)).containsExactly(R2);
    assertThat(runs(List.of(1L), null, ViewType.ACTIVE_ONLY, List.of(), 2, 2)).containsExactly(R1);
  }

  // ---------------------------------------------------------------- injection

  @Test
  void injectionInALiteralIsJustAValue() {
    SqlQuery q = SearchSql.runs(List.of(1L), "tags.team = 'x''; DROP TABLE runs; --' OR params.lr = '0.1'",
        ViewType.ALL, List.of(), 100, 0, dialect());
    assertThat(q.sql()).doesNotContain("DROP");
    assertThat(select(q)).containsExactly(R1);
    assertThat(count("runs")).isEqualTo(6);
  }

  @Test
  void injectionInAKeyIsJustAKey() {
    SqlQuery q = SearchSql.runs(List.of(1L), "tags.`" + INJECTION_KEY + "` = 'y'", ViewType.ALL,
        List.of("tags.`" + INJECTION_KEY + "` DESC"), 100, 0, dialect());
    assertThat(q.sql()).doesNotContain("DROP");
    assertThat(select(q)).containsExactly(R3);
    assertThat(count("runs")).isEqualTo(6);
    assertThat(count("tags")).isEqualTo(7);
  }

  @Test
  void badFilterIsInvalidParameterValue() {
    assertThatThrownBy(() -> SearchSql.runs(List.of(1L), "metrics.acc >> 1", ViewType.ALL, List.of(), 10, 0,
        dialect())).isInstanceOf(CairnException.class).hasMessageContaining("position 13")
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    assertThatThrownBy(() -> SearchSql.experiments(null, ViewType.ALL, List.of("metrics.acc"), 10, 0, dialect()))
        .isInstanceOf(CairnException.class).hasMessageContaining("order_by");
  }

  // ---------------------------------------------------------------- experiments

  @Test
  void experimentsDefaultToNewestFirst() {
    assertThat(experiments(null, ViewType.ACTIVE_ONLY)).containsExactly(2L, 1L);
    assertThat(experiments(null, ViewType.ALL)).containsExactly(3L, 2L, 1L);
    assertThat(experiments(null, ViewType.DELETED_ONLY)).containsExactly(3L);
  }

  @Test
  void experimentsFilterOnNameTimesAndTags() {
    assertThat(experiments("name LIKE 'a%'", ViewType.ALL)).containsExactly(1L);
    assertThat(experiments("name LIKE 'b%'", ViewType.ALL)).isEmpty();
    assertThat(experiments("attributes.name ILIKE 'b%'", ViewType.ALL)).containsExactly(2L);
    assertThat(experiments("creation_time > 150", ViewType.ALL)).containsExactly(3L, 2L);
    assertThat(experiments("last_update_time <= 250 AND tags.owner = 'Bob'", ViewType.ALL)).containsExactly(2L);
    assertThat(experiments("name = 'alpha' OR tags.owner ILIKE 'bob'", ViewType.ALL)).containsExactly(2L, 1L);
  }

  @Test
  void experimentsOrderByNameInByteOrderWithIdTieBreak() {
    assertThat(experiments(null, ViewType.ALL, "name")).containsExactly(2L, 1L, 3L);
    assertThat(experiments(null, ViewType.ALL, "name DESC")).containsExactly(3L, 1L, 2L);
    assertThat(experiments(null, ViewType.ALL, "experiment_id")).containsExactly(1L, 2L, 3L);
  }
}
