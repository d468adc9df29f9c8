package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V12 makes metric points unique as MLflow's primary key does: a database written before it, holding duplicate
 * points from retried calls, keeps one of each and every distinct point, on both databases.
 */
class MetricPointsMigrationTest {
  private static final String RUN = "0123456789abcdef0123456789abcdef";

  @TempDir Path dir;

  @Test
  void sqliteDatabaseWithDuplicatePointsIsMigratedToOneOfEach() throws Exception {
    OlderSchema.onSqlite(dir.resolve("old.db"), "11", MetricPointsMigrationTest::insertDuplicates,
        MetricPointsMigrationTest::assertOneOfEachAndNoMoreDuplicates);
  }

  @Test
  void postgresDatabaseWithDuplicatePointsIsMigratedToOneOfEach() throws Exception {
    OlderSchema.onPostgres("11", MetricPointsMigrationTest::insertDuplicates,
        MetricPointsMigrationTest::assertOneOfEachAndNoMoreDuplicates);
  }

  private static void insertDuplicates(Statement s) throws SQLException {
    s.execute("INSERT INTO runs (run_id, experiment_id, status, start_time, lifecycle_stage) VALUES ('" + RUN
        + "', 0, 'RUNNING', 1, 'active')");
    for (String row : List.of("('m', 1, 1000, 0.5, 0)", "('m', 1, 1000, 0.5, 0)", "('m', 1, 1000, 0.5, 0)",
        "('m', 1, 1000, 0.75, 0)", "('m', 2, 1000, 0, 1)", "('m', 2, 1000, 0, 1)")) {
      s.execute("INSERT INTO metrics (run_id, key, step, timestamp, value, is_nan) VALUES ('" + RUN + "', "
          + row.substring(1));
    }
  }

  private static void assertOneOfEachAndNoMoreDuplicates(MetadataStore store) {
    List<Metric> expected = List.of(new Metric("m", 0.5, 1000, 1), new Metric("m", 0.75, 1000, 1),
        new Metric("m", Double.NaN, 1000, 2));
    assertThat(store.getMetricHistory(RUN, "m", 0, null).items()).containsExactlyElementsOf(expected);
    store.logBatch(RUN, expected, null, null); // the same points again: nothing new
    assertThat(store.getMetricHistory(RUN, "m", 0, null).items()).containsExactlyElementsOf(expected);
  }
}
