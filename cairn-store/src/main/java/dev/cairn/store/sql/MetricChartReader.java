package dev.cairn.store.sql;

import dev.cairn.tracking.DownsampledHistory;
import dev.cairn.tracking.Downsampler;
import dev.cairn.tracking.MetricAxis;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Reduces one metric series to chart points ({@link Downsampler}) in one read transaction, so range, count and
 * points agree. The JDBC driver's per-column calls, not the database, are what a million points cost (SQLite counts
 * them in 25 ms; reading two columns of each through sqlite-jdbc takes 200 ms or more), so a step chart of a long
 * series reads only each bucket's four candidate points, found by the primary key's step ranges; a timestamp chart
 * (no index leads with the timestamp) and a short series stream every point with two getters each.
 */
final class MetricChartReader {
  private static final Comparator<long[]> KEY_ORDER = Comparator.<long[]>comparingLong(k -> k[0])
      .thenComparingLong(k -> k[1]).thenComparingLong(k -> k[2]).thenComparingDouble(k -> Double.longBitsToDouble(k[3]));

  // Per bucket (a step range): its count and least and greatest non-NaN value in one scan of the range, then the
  // first point in key order holding each (a scan that stops at the first match), and the range's first and last
  // point (two seeks). Asking for the least value's row with ORDER BY value LIMIT 1 instead sorted every bucket:
  // 155 ms for a million points against 61 ms for the aggregate.
  private static final String BUCKET_SUMMARY = """
      SELECT COUNT(*), MIN(CASE WHEN is_nan = 0 THEN value END), MAX(CASE WHEN is_nan = 0 THEN value END)
      FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ?""";
  private static final String FIRST_WITH_VALUE = """
      SELECT step, timestamp, is_nan, value FROM metric_points
      WHERE series_id = ? AND step BETWEEN ? AND ? AND is_nan = 0 AND value = ?
      ORDER BY step, timestamp, is_nan, value LIMIT 1""";
  private static final String FIRST = """
      SELECT step, timestamp, is_nan, value FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ?
      ORDER BY step, timestamp, is_nan, value LIMIT 1""";
  private static final String LAST = """
      SELECT step, timestamp, is_nan, value FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ?
      ORDER BY step DESC, timestamp DESC, is_nan DESC, value DESC LIMIT 1""";

  private final MetricHistoryReader.Reads reads;

  MetricChartReader(MetricHistoryReader.Reads reads) {
    this.reads = reads;
  }

  /** The series reduced to at most {@code maxPoints}; null when it has no points. */
  DownsampledHistory downsample(long seriesId, MetricAxis axis, int maxPoints) {
    return reads.read(h -> h.inTransaction(tx -> {
      try {
        MetricAxis.Range range = range(tx, seriesId, axis);
        if (range == null) {
          return null;
        }
        Downsampler downsampler = new Downsampler(maxPoints, range);
        if (axis == MetricAxis.STEP && maxPoints >= 4) {
          long total = addBucketExtremes(tx.getConnection(), seriesId, downsampler);
          if (total > maxPoints) {
            return new DownsampledHistory(total, downsampler.points());
          }
          downsampler = new Downsampler(maxPoints, range); // short: every point is the answer
        }
        addEveryPoint(tx.getConnection(), seriesId, axis, downsampler);
        return new DownsampledHistory(downsampler.total(), downsampler.points());
      } catch (SQLException e) {
        throw new IllegalStateException("reading metric series " + seriesId + " for a chart: " + e.getMessage(), e);
      }
    }));
  }

  /**
   * A step range is two seeks in the primary key (series, step, ...): SQLite turns only a lone MIN or MAX into a
   * seek. A timestamp range reads the series' key range once (a covering scan, no table reads).
   */
  private static MetricAxis.Range range(Handle h, long seriesId, MetricAxis axis) {
    if (axis == MetricAxis.TIMESTAMP) {
      return h.createQuery("SELECT MIN(timestamp), MAX(timestamp) FROM metric_points WHERE series_id = :seriesId")
          .bind("seriesId", seriesId)
          .map((rs, ctx) -> rs.getObject(1) == null ? null : new MetricAxis.Range(rs.getLong(1), rs.getLong(2)))
          .findOne().orElse(null);
    }
    Long min = h.createQuery("SELECT MIN(step) FROM metric_points WHERE series_id = :seriesId")
        .bind("seriesId", seriesId).mapTo(Long.class).findOne().orElse(null);
    Long max = h.createQuery("SELECT MAX(step) FROM metric_points WHERE series_id = :seriesId")
        .bind("seriesId", seriesId).mapTo(Long.class).findOne().orElse(null);
    return min == null || max == null ? null : new MetricAxis.Range(min, max);
  }

  /**
   * Every point, two getters each ({@code is_nan} read only for a stored 0, as NaN is stored). The fetch size bounds
   * what PostgreSQL's driver holds (it streams inside a transaction); SQLite steps through the rows as read.
   */
  private static void addEveryPoint(Connection c, long seriesId, MetricAxis axis, Downsampler downsampler)
      throws SQLException {
    String x = axis == MetricAxis.STEP ? "step" : "timestamp";
    try (PreparedStatement query = c.prepareStatement("SELECT " + x + ", value, is_nan FROM metric_points "
        + "WHERE series_id = ? ORDER BY step, timestamp, is_nan, value")) {
      query.setLong(1, seriesId);
      query.setFetchSize(MetricHistoryReader.CHUNK);
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          long position = rs.getLong(1);
          double value = rs.getDouble(2);
          downsampler.add(position, value == 0 && rs.getInt(3) != 0 ? Double.NaN : value);
        }
      }
    }
  }

  /**
   * Per bucket of the step range, its candidates in key order, each once (the same row may fill several roles);
   * returns the points counted, which is the series' total.
   */
  private static long addBucketExtremes(Connection c, long seriesId, Downsampler downsampler) throws SQLException {
    long total = 0;
    try (PreparedStatement summary = c.prepareStatement(BUCKET_SUMMARY);
        PreparedStatement withValue = c.prepareStatement(FIRST_WITH_VALUE);
        PreparedStatement first = c.prepareStatement(FIRST);
        PreparedStatement last = c.prepareStatement(LAST)) {
      List<long[]> keys = new ArrayList<>(4);
      for (int b = 0; b < downsampler.buckets(); b++) {
        MetricAxis.Range r = downsampler.bucketRange(b);
        if (r == null) {
          continue;
        }
        long count;
        double least;
        double greatest;
        boolean anyNumber;
        try (ResultSet rs = bind(summary, seriesId, r).executeQuery()) {
          rs.next();
          count = rs.getLong(1);
          least = rs.getDouble(2);
          anyNumber = !rs.wasNull();
          greatest = rs.getDouble(3);
        }
        if (count == 0) {
          continue;
        }
        total += count;
        keys.clear();
        collect(bind(first, seriesId, r), keys);
        collect(bind(last, seriesId, r), keys);
        if (anyNumber) {
          bind(withValue, seriesId, r).setDouble(4, least);
          collect(withValue, keys);
          withValue.setDouble(4, greatest);
          collect(withValue, keys);
        }
        keys.sort(KEY_ORDER);
        for (long[] k : keys) {
          downsampler.add(k[0], k[2] != 0 ? Double.NaN : Double.longBitsToDouble(k[3]));
        }
      }
    }
    return total;
  }

  private static PreparedStatement bind(PreparedStatement query, long seriesId, MetricAxis.Range steps)
      throws SQLException {
    query.setLong(1, seriesId);
    query.setLong(2, steps.min());
    query.setLong(3, steps.max());
    return query;
  }

  /** Adds the query's row (step, timestamp, is_nan, value) unless the same point is there already. */
  private static void collect(PreparedStatement query, List<long[]> keys) throws SQLException {
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        long[] key = {rs.getLong(1), rs.getLong(2), rs.getInt(3), Double.doubleToRawLongBits(rs.getDouble(4))};
        if (keys.stream().noneMatch(k -> KEY_ORDER.compare(k, key) == 0)) {
          keys.add(key);
        }
      }
    }
  }
}
