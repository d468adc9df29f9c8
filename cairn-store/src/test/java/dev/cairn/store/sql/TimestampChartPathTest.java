package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.tracking.DownsampledHistory;
import dev.cairn.tracking.Downsampler;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.MetricAxis;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which way a timestamp chart is read: a series whose timestamps rise with its steps takes the step-range path (the
 * contract test proves its answers equal the streamed ones; this proves the path is taken at all), and a series
 * with one point out of order is handed back to the streaming path rather than answered wrongly.
 */
class TimestampChartPathTest {
  @TempDir
  Path dir;

  @Test
  void risingTimestampsAreReadByStepRangesAndOneLatePointIsRefused() throws SQLException {
    List<Metric> rising = new ArrayList<>();
    List<Metric> oneLate = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      long t = 1_700_000_000_000L + 13L * i + (i % 3);
      rising.add(new Metric("loss", Math.sin(i / 50.0), t, i));
      oneLate.add(new Metric("loss", Math.sin(i / 50.0), i == 12_345 ? t - 60_000 : t, i));
    }
    String url = "sqlite:" + dir.resolve("cairn.db");
    String risingRun;
    String lateRun;
    try (MetadataStore store = MetadataStores.open(url, "file:" + dir.resolve("artifacts"))) {
      risingRun = logged(store, rising);
      lateRun = logged(store, oneLate);
    }
    try (Connection c = DriverManager.getConnection("jdbc:" + url)) {
      DownsampledHistory byRanges = MetricChartReader.timestampsInStepOrder(c, seriesId(c, risingRun), 400);
      assertThat(byRanges).isNotNull();
      assertThat(byRanges.totalPoints()).isEqualTo(rising.size());
      assertThat(byRanges.points()).containsExactlyElementsOf(reference(rising, 400));

      assertThat(MetricChartReader.timestampsInStepOrder(c, seriesId(c, lateRun), 400)).isNull();
      // short: the caller streams it
      assertThat(MetricChartReader.timestampsInStepOrder(c, seriesId(c, risingRun), 40_000)).isNull();
    }
  }

  private static String logged(MetadataStore store, List<Metric> points) {
    String run = store.createRun("0", "ada", 1, "r", List.of()).runId();
    for (int from = 0; from < points.size(); from += 1000) {
      store.logBatch(run, points.subList(from, from + 1000), List.of(), List.of());
    }
    return run;
  }

  private static List<dev.cairn.tracking.ChartPoint> reference(List<Metric> points, int maxPoints) {
    long min = points.stream().mapToLong(Metric::timestamp).min().orElseThrow();
    long max = points.stream().mapToLong(Metric::timestamp).max().orElseThrow();
    Downsampler d = new Downsampler(maxPoints, new MetricAxis.Range(min, max));
    points.forEach(m -> d.add(m.timestamp(), m.value()));
    return d.points();
  }

  private static long seriesId(Connection c, String run) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT series_id FROM metric_series WHERE run_id = '" + run + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }
}
