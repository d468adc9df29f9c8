package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.MetricPoint;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V14 moves metric points from rows naming (run, key) to rows naming a series id: a database written before it
 * keeps every point of every run's every key, apart from the same key of another run, on both databases, and
 * logging goes on into the same series afterwards.
 */
class MetricSeriesMigrationTest {
  private static final String RUN_A = "0123456789abcdef0123456789abcdef";
  private static final String RUN_B = "fedcba9876543210fedcba9876543210";

  @TempDir Path dir;

  @Test
  void sqlitePointsWrittenBeforeV14KeepTheirRunsAndKeys() throws Exception {
    OlderSchema.onSqlite(dir.resolve("old.db"), "13", MetricSeriesMigrationTest::logPointsAsV13Did,
        MetricSeriesMigrationTest::assertHistoriesKeptAndLoggingGoesOn);
  }

  @Test
  void postgresPointsWrittenBeforeV14KeepTheirRunsAndKeys() throws Exception {
    OlderSchema.onPostgres("13", MetricSeriesMigrationTest::logPointsAsV13Did,
        MetricSeriesMigrationTest::assertHistoriesKeptAndLoggingGoesOn);
  }

  /** The rows V13's writer would have stored: two runs sharing key "loss", run A also logging "acc". */
  private static void logPointsAsV13Did(Statement s) throws SQLException {
    for (String run : List.of(RUN_A, RUN_B)) {
      s.execute("INSERT INTO runs (run_id, experiment_id, status, start_time, lifecycle_stage) VALUES ('" + run
          + "', 0, 'RUNNING', 1, 'active')");
    }
    for (String row : List.of(
        "'" + RUN_A + "', 'loss', 0, 1000, 0.5, 0", "'" + RUN_A + "', 'loss', 1, 1001, 0, 1",
        "'" + RUN_A + "', 'loss', 2, 1002, " + Double.MAX_VALUE + ", 0", "'" + RUN_A + "', 'acc', 0, 1000, 0.25, 0",
        "'" + RUN_B + "', 'loss', 0, 1000, 0.75, 0", "'" + RUN_B + "', 'loss', 5, 1005, -1.5, 0")) {
      s.execute("INSERT INTO metrics (run_id, key, step, timestamp, value, is_nan) VALUES (" + row + ")");
    }
  }

  private static void assertHistoriesKeptAndLoggingGoesOn(MetadataStore store) {
    assertThat(store.getMetricHistory(RUN_A, "loss", 0, null).items()).containsExactly(
        new Metric("loss", 0.5, 1000, 0), new Metric("loss", Double.NaN, 1001, 1),
        new Metric("loss", Double.MAX_VALUE, 1002, 2));
    assertThat(store.getMetricHistory(RUN_A, "acc", 0, null).items()).containsExactly(new Metric("acc", 0.25, 1000, 0));
    assertThat(store.getMetricHistory(RUN_B, "loss", 0, null).items()).containsExactly(
        new Metric("loss", 0.75, 1000, 0), new Metric("loss", -1.5, 1005, 5));
    assertThat(store.getMetricHistory(RUN_B, "acc", 0, null).items()).isEmpty();
    assertThat(store.getMetricHistoryBulkInterval(List.of(RUN_A, RUN_B), "loss", 5L, null, 10))
        .containsExactly(new MetricPoint(RUN_B, new Metric("loss", -1.5, 1005, 5)));

    store.logBatch(RUN_B, List.of(new Metric("loss", 0.75, 1000, 0), new Metric("loss", 0.1, 1006, 6),
        new Metric("acc", 0.9, 1006, 6)), null, null); // the first point again: stored once
    assertThat(store.getMetricHistory(RUN_B, "loss", 0, null).items()).containsExactly(
        new Metric("loss", 0.75, 1000, 0), new Metric("loss", -1.5, 1005, 5), new Metric("loss", 0.1, 1006, 6));
    assertThat(store.getMetricHistory(RUN_B, "acc", 0, null).items()).containsExactly(new Metric("acc", 0.9, 1006, 6));
    assertThat(store.getMetricHistory(RUN_A, "acc", 0, null).items()).containsExactly(new Metric("acc", 0.25, 1000, 0));
  }
}
