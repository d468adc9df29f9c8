package dev.cairn.store.sql;

import dev.cairn.tracking.DownsampledHistory;
import dev.cairn.tracking.Downsampler;
import dev.cairn.tracking.MetricAxis;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Reduces one metric series to chart points ({@link Downsampler}) in one read transaction, so range, count and
 * points agree. The JDBC driver's per-column calls, not the database, are what a million points cost (SQLite counts
 * them in 25 ms; reading two columns of each through sqlite-jdbc takes 200 ms or more), so a chart of a long
 * series reads only each bucket's four candidate points, found by the primary key's step ranges. No index leads with
 * the timestamp, but a training loop logs its timestamps rising with its steps, so a timestamp bucket is a step range
 * too: found by seeks, then checked (every point of the range must fall in the bucket). A series whose timestamps
 * do not follow its steps, and a short series, stream every point with two getters each.
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
  // the timestamp axis also needs each range's least and greatest timestamp (reading them costs the step axis
  // about a quarter more, so it asks the query above)
  private static final String BUCKET_SUMMARY_TIMES = """
      SELECT COUNT(*), MIN(CASE WHEN is_nan = 0 THEN value END), MAX(CASE WHEN is_nan = 0 THEN value END),
        MIN(timestamp), MAX(timestamp)
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
  // On the timestamp axis a bucket's first point is the first in key order at its least timestamp (the downsampler
  // keeps the earliest of equal x), its last the last in key order at its greatest. "timestamp + 0" keeps the
  // equality a filter: as an index term SQLite dropped the timestamp from the key order and sorted every range in
  // a temporary tree (63 ms of a 205 ms million-point chart).
  private static final String FIRST_AT_TIME = """
      SELECT step, timestamp, is_nan, value FROM metric_points
      WHERE series_id = ? AND step BETWEEN ? AND ? AND timestamp + 0 = ?
      ORDER BY step, timestamp, is_nan, value LIMIT 1""";
  private static final String LAST_AT_TIME = """
      SELECT step, timestamp, is_nan, value FROM metric_points
      WHERE series_id = ? AND step BETWEEN ? AND ? AND timestamp + 0 = ?
      ORDER BY step DESC, timestamp DESC, is_nan DESC, value DESC LIMIT 1""";
  /** The first point at or after a step, in key order: one seek. */
  private static final String AT_OR_AFTER = """
      SELECT step, timestamp FROM metric_points WHERE series_id = ? AND step >= ?
      ORDER BY step, timestamp, is_nan, value LIMIT 1""";
  private static final String LAST_POINT = """
      SELECT step, timestamp FROM metric_points WHERE series_id = ?
      ORDER BY step DESC, timestamp DESC, is_nan DESC, value DESC LIMIT 1""";

  private final MetricHistoryReader.Reads reads;

  MetricChartReader(MetricHistoryReader.Reads reads) {
    this.reads = reads;
  }

  /** The series reduced to at most {@code maxPoints}; null when it has no points. */
  DownsampledHistory downsample(long seriesId, MetricAxis axis, int maxPoints) {
    return reads.read(h -> h.inTransaction(tx -> {
      try {
        Connection c = tx.getConnection();
        if (axis == MetricAxis.TIMESTAMP && maxPoints >= 4) {
          DownsampledHistory inStepOrder = timestampsInStepOrder(c, seriesId, maxPoints);
          if (inStepOrder != null) {
            return inStepOrder;
          }
        }
        MetricAxis.Range range = range(tx, seriesId, axis);
        if (range == null) {
          return null;
        }
        Downsampler downsampler = new Downsampler(maxPoints, range);
        if (axis == MetricAxis.STEP && maxPoints >= 4) {
          MetricAxis.Range[] steps = new MetricAxis.Range[downsampler.buckets()];
          Arrays.setAll(steps, downsampler::bucketRange);
          long total = addBucketExtremes(c, seriesId, downsampler, MetricAxis.STEP, steps);
          if (total > maxPoints) {
            return new DownsampledHistory(total, downsampler.points());
          }
          downsampler = new Downsampler(maxPoints, range); // short: every point is the answer
        }
        addEveryPoint(c, seriesId, axis, downsampler);
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
   * The timestamp chart of a series whose timestamps rise with its steps, from its buckets' step ranges; null when
   * the series is short or its timestamps do not follow its steps (the caller then streams every point).
   *
   * <p>The range is the first and last point's timestamps (two seeks). Each bucket's first step is found by a search
   * over steps, one seek per probe, assuming the timestamps rise; then each range's summary is checked: every point
   * of it must lie in its bucket's timestamp range, and so in the series' range. Passing that check, the ranges hold
   * exactly each bucket's points whatever the order inside them, so the answer is the streamed one.
   */
  static DownsampledHistory timestampsInStepOrder(Connection c, long seriesId, int maxPoints)
      throws SQLException {
    long[] first;
    long[] last;
    try (PreparedStatement atOrAfter = c.prepareStatement(AT_OR_AFTER);
        PreparedStatement lastPoint = c.prepareStatement(LAST_POINT)) {
      first = seek(atOrAfter, seriesId, Long.MIN_VALUE);
      lastPoint.setLong(1, seriesId);
      last = point(lastPoint);
      if (first == null || last == null || first[1] > last[1] || last[0] == Long.MAX_VALUE) {
        return null;
      }
      MetricAxis.Range range = new MetricAxis.Range(first[1], last[1]);
      Downsampler downsampler = new Downsampler(maxPoints, range);
      int buckets = downsampler.buckets();
      // starts[b]: bucket b's first step; bucket b holds steps starts[b] to starts[b + 1] - 1
      long[] starts = new long[buckets + 1];
      starts[0] = first[0];
      starts[buckets] = last[0] + 1;
      long[] below = first; // a point known to lie before the boundary searched next
      boolean[] empty = new boolean[buckets];
      for (int b = 1; b < buckets; b++) {
        MetricAxis.Range times = downsampler.bucketRange(b);
        if (times == null) {
          empty[b] = true; // no whole timestamp falls in it: it starts where the next bucket does (below)
          continue;
        }
        below = lastPointBefore(atOrAfter, seriesId, times.min(), below, last);
        starts[b] = below[0] + 1;
      }
      for (int b = buckets - 1; b > 0; b--) {
        if (empty[b]) {
          starts[b] = starts[b + 1];
        }
      }
      for (int b = 1; b < buckets; b++) { // non-decreasing, so the ranges cover every step once
        starts[b] = Math.min(Math.max(starts[b], starts[b - 1]), starts[buckets]);
      }
      MetricAxis.Range[] steps = new MetricAxis.Range[buckets];
      for (int b = 0; b < buckets; b++) {
        steps[b] = starts[b] < starts[b + 1] ? new MetricAxis.Range(starts[b], starts[b + 1] - 1) : null;
      }
      long total = addBucketExtremes(c, seriesId, downsampler, MetricAxis.TIMESTAMP, steps);
      return total > maxPoints ? new DownsampledHistory(total, downsampler.points()) : null;
    }
  }

  /**
   * Where bucket boundary {@code time} falls: (step, timestamp) of the last point before the least step whose first
   * point's timestamp is at least {@code time} (that step less one, when no point lies between), searched from
   * {@code below} (a point before it) to one past {@code last}'s step. A probe interpolates on the timestamps (a loop logging at a steady pace is
   * found in two: the step, then the one before it), unless the last one failed to halve the interval, in which case
   * it halves it (so at most about 128 probes whatever the pace).
   */
  private static long[] lastPointBefore(PreparedStatement atOrAfter, long seriesId, long time, long[] below,
      long[] last) throws SQLException {
    long lo = below[0] + 1; // the answer is in [lo, hi]
    long hi = last[0] + 1;
    long loTime = below[1];
    long hiTime = last[1];
    boolean interpolate = true;
    while (lo < hi) {
      long probe = lo + ((hi - lo) >>> 1);
      double width = (double) hi - lo;
      if (interpolate && hiTime > loTime && time > loTime) {
        double share = ((double) time - loTime) / ((double) hiTime - loTime);
        probe = Math.max(lo, Math.min(hi - 1, lo + (long) (share * width)));
      }
      long[] p = seek(atOrAfter, seriesId, probe);
      if (p == null || p[1] >= time) {
        hi = probe;
        if (p != null) {
          hiTime = p[1];
        }
      } else {
        lo = p[0] + 1; // every step up to the point found starts before the time
        loTime = p[1];
      }
      interpolate = !interpolate || (double) hi - lo <= width / 2;
    }
    return new long[] {lo - 1, loTime};
  }

  private static long[] seek(PreparedStatement atOrAfter, long seriesId, long step) throws SQLException {
    atOrAfter.setLong(1, seriesId);
    atOrAfter.setLong(2, step);
    return point(atOrAfter);
  }

  /** The query's single row's (step, timestamp), or null. */
  private static long[] point(PreparedStatement query) throws SQLException {
    try (ResultSet rs = query.executeQuery()) {
      return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
    }
  }

  /**
   * Per bucket, given as a step range (null when empty), its candidates in key order, each once (the same row may
   * fill several roles); returns the points counted, which is the series' total, or -1 on the timestamp axis when a
   * range holds a point outside its bucket's timestamps (the ranges are then not the buckets).
   */
  private static long addBucketExtremes(Connection c, long seriesId, Downsampler downsampler, MetricAxis axis,
      MetricAxis.Range[] steps) throws SQLException {
    boolean byTime = axis == MetricAxis.TIMESTAMP;
    long total = 0;
    List<long[]> keys = new ArrayList<>(4);
    List<long[]> candidates = new ArrayList<>();
    try (PreparedStatement summary = c.prepareStatement(byTime ? BUCKET_SUMMARY_TIMES : BUCKET_SUMMARY);
        PreparedStatement withValue = c.prepareStatement(FIRST_WITH_VALUE);
        PreparedStatement first = c.prepareStatement(byTime ? FIRST_AT_TIME : FIRST);
        PreparedStatement last = c.prepareStatement(byTime ? LAST_AT_TIME : LAST)) {
      for (int b = 0; b < steps.length; b++) {
        MetricAxis.Range r = steps[b];
        if (r == null) {
          continue;
        }
        long count;
        double least;
        double greatest;
        boolean anyNumber;
        long earliest;
        long latest;
        try (ResultSet rs = bind(summary, seriesId, r).executeQuery()) {
          rs.next();
          count = rs.getLong(1);
          least = rs.getDouble(2);
          anyNumber = !rs.wasNull();
          greatest = rs.getDouble(3);
          earliest = byTime ? rs.getLong(4) : 0;
          latest = byTime ? rs.getLong(5) : 0;
        }
        if (count == 0) {
          continue;
        }
        if (byTime && !inBucket(downsampler, b, earliest, latest)) {
          return -1;
        }
        total += count;
        keys.clear();
        if (byTime) {
          bind(first, seriesId, r).setLong(4, earliest);
          bind(last, seriesId, r).setLong(4, latest);
        } else {
          bind(first, seriesId, r);
          bind(last, seriesId, r);
        }
        collect(first, keys);
        collect(last, keys);
        if (anyNumber) {
          bind(withValue, seriesId, r).setDouble(4, least);
          collect(withValue, keys);
          withValue.setDouble(4, greatest);
          collect(withValue, keys);
        }
        keys.sort(KEY_ORDER);
        candidates.addAll(keys);
      }
    }
    // added only once every range has passed its check, so a refused series leaves the downsampler untouched
    for (long[] k : candidates) {
      downsampler.add(byTime ? k[1] : k[0], k[2] != 0 ? Double.NaN : Double.longBitsToDouble(k[3]));
    }
    return total;
  }

  /** Whether timestamps from {@code earliest} to {@code latest} lie in the bucket and in the downsampler's range. */
  private static boolean inBucket(Downsampler downsampler, int bucket, long earliest, long latest) {
    MetricAxis.Range times = downsampler.bucketRange(bucket);
    MetricAxis.Range all = downsampler.range();
    return times != null && earliest >= times.min() && latest <= times.max()
        && earliest >= all.min() && latest <= all.max();
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
