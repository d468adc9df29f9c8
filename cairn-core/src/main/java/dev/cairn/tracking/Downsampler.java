package dev.cairn.tracking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces a metric series of any length to at most {@code maxPoints} chart points in one pass and bounded memory,
 * for an x range known before the first point. The range is cut into {@code maxPoints / 4} equal buckets and each
 * keeps its first and last point (least and greatest x) and its least and greatest y (the "M4" reduction).
 *
 * <p>Why min/max per bucket and not LTTB: with a bucket per pixel column, first/last/min/max draw exactly the line
 * the whole series draws, so a single spike always survives and the global minimum and maximum are always kept;
 * LTTB keeps one point per bucket chosen by triangle area against the next bucket's mean, which needs that
 * bucket before choosing (a second pass or a look-ahead buffer) and may drop an extreme beside a larger one.
 * Bucket state is fixed-size arrays, so points may arrive in any order (a timestamp chart reads its series in
 * step order); the output is sorted by x, ties in arrival order.
 *
 * <p>A series of at most {@code maxPoints} points is returned whole. NaN values count for no bucket's min or
 * max (they have no place on the y axis) but are kept when they are a bucket's first or last point. Points
 * outside the range given (logged after it was read) go to the nearest edge bucket. Not thread-safe.
 */
public final class Downsampler {
  /** The fewest points a caller may ask for: the least and the greatest y. */
  public static final int MIN_POINTS = 2;

  private final int maxPoints;
  private final long xMin;
  private final long xMax;
  private final double span;
  private final int buckets;
  /** With fewer than 4 points allowed, one bucket keeping only its min and max (or first and last when all NaN). */
  private final boolean extremesOnly;

  // per bucket: the sequence number (arrival order) of the point in each role, -1 when none
  private final long[] firstSeq;
  private final long[] lastSeq;
  private final long[] minSeq;
  private final long[] maxSeq;
  private final long[] firstX;
  private final long[] lastX;
  private final long[] minX;
  private final long[] maxX;
  private final double[] firstY;
  private final double[] lastY;
  private final double[] minY;
  private final double[] maxY;

  /** The first {@code maxPoints} points as they came: the answer when the series is that short. */
  private final long[] rawX;
  private final double[] rawY;
  private long total;

  /**
   * @param maxPoints the most points {@link #points()} returns, at least {@link #MIN_POINTS}
   * @param range the least and greatest x the points will have
   */
  public Downsampler(int maxPoints, MetricAxis.Range range) {
    if (maxPoints < MIN_POINTS) {
      throw new IllegalArgumentException("maxPoints must be at least " + MIN_POINTS + ", got " + maxPoints);
    }
    this.maxPoints = maxPoints;
    this.xMin = range.min();
    this.xMax = range.max();
    this.span = (double) range.max() - (double) range.min();
    this.extremesOnly = maxPoints < 4;
    this.buckets = extremesOnly ? 1 : maxPoints / 4;
    firstSeq = filled(buckets);
    lastSeq = filled(buckets);
    minSeq = filled(buckets);
    maxSeq = filled(buckets);
    firstX = new long[buckets];
    lastX = new long[buckets];
    minX = new long[buckets];
    maxX = new long[buckets];
    firstY = new double[buckets];
    lastY = new double[buckets];
    minY = new double[buckets];
    maxY = new double[buckets];
    rawX = new long[maxPoints];
    rawY = new double[maxPoints];
  }

  private static long[] filled(int n) {
    long[] a = new long[n];
    Arrays.fill(a, -1);
    return a;
  }

  /** Takes the next point of the series. */
  public void add(long x, double y) {
    long seq = total++;
    if (seq < maxPoints) {
      rawX[(int) seq] = x;
      rawY[(int) seq] = y;
    }
    int b = bucket(x);
    if (firstSeq[b] < 0 || x < firstX[b]) {
      firstSeq[b] = seq;
      firstX[b] = x;
      firstY[b] = y;
    }
    if (lastSeq[b] < 0 || x >= lastX[b]) {
      lastSeq[b] = seq;
      lastX[b] = x;
      lastY[b] = y;
    }
    if (Double.isNaN(y)) {
      return;
    }
    if (minSeq[b] < 0 || y < minY[b]) {
      minSeq[b] = seq;
      minX[b] = x;
      minY[b] = y;
    }
    if (maxSeq[b] < 0 || y > maxY[b]) {
      maxSeq[b] = seq;
      maxX[b] = x;
      maxY[b] = y;
    }
  }

  /** Points taken so far. */
  public long total() {
    return total;
  }

  /** At most {@code maxPoints} of the points taken, in x order (ties in arrival order). */
  public List<ChartPoint> points() {
    if (total <= maxPoints) {
      return inXOrder(rawX, rawY, seqs((int) total), (int) total);
    }
    List<ChartPoint> out = new ArrayList<>();
    long[] x = new long[4];
    double[] y = new double[4];
    long[] seq = new long[4];
    for (int b = 0; b < buckets; b++) {
      int n = 0;
      if (!extremesOnly || minSeq[b] < 0) {
        n = keep(firstSeq[b], firstX[b], firstY[b], seq, x, y, n);
        n = keep(lastSeq[b], lastX[b], lastY[b], seq, x, y, n);
      }
      n = keep(minSeq[b], minX[b], minY[b], seq, x, y, n);
      n = keep(maxSeq[b], maxX[b], maxY[b], seq, x, y, n);
      out.addAll(inXOrder(x, y, seq, n));
    }
    return out;
  }

  /** Adds a bucket's point unless absent or already kept in another role; returns the new count. */
  private static int keep(long s, long px, double py, long[] seq, long[] x, double[] y, int n) {
    if (s < 0) {
      return n;
    }
    for (int i = 0; i < n; i++) {
      if (seq[i] == s) {
        return n;
      }
    }
    seq[n] = s;
    x[n] = px;
    y[n] = py;
    return n + 1;
  }

  private static long[] seqs(int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
    }
    return s;
  }

  /** The first {@code n} points sorted by (x, sequence). */
  private static List<ChartPoint> inXOrder(long[] x, double[] y, long[] seq, int n) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> x[a] != x[b] ? Long.compare(x[a], x[b]) : Long.compare(seq[a], seq[b]));
    List<ChartPoint> out = new ArrayList<>(n);
    for (int i : order) {
      out.add(new ChartPoint(x[i], y[i]));
    }
    return out;
  }

  /** The x range the buckets cut, as given. */
  public MetricAxis.Range range() {
    return new MetricAxis.Range(xMin, xMax);
  }

  /** How many buckets the x range is cut into. */
  public int buckets() {
    return buckets;
  }

  /**
   * The least and greatest x that fall in {@code bucket} (the edge buckets reach to the ends of {@code long}), or
   * null when no whole number does. With at least 4 points allowed, a store that can read each bucket's first and
   * last point and its first least and first greatest non-NaN value by x range may hand only those to {@link #add},
   * in the series' order, and get the same points as from the whole series (not the same {@link #total()}).
   */
  public MetricAxis.Range bucketRange(int bucket) {
    if (span <= 0) { // one x: everything is in bucket 0
      return bucket == 0 ? new MetricAxis.Range(Long.MIN_VALUE, Long.MAX_VALUE) : null;
    }
    long lo = bucket == 0 ? Long.MIN_VALUE : firstXOf(bucket);
    long hi = bucket == buckets - 1 ? Long.MAX_VALUE : firstXOf(bucket + 1) - 1;
    return lo > hi ? null : new MetricAxis.Range(lo, hi);
  }

  /** The least x in [xMin, xMax] whose bucket is {@code bucket} or later, found by bisection ({@link #bucket} is monotone). */
  private long firstXOf(int bucket) {
    long lo = xMin;
    long hi = xMax;
    if (bucket(hi) < bucket) {
      return hi + 1;
    }
    while (lo < hi) {
      long mid = lo + ((hi - lo) >>> 1);
      if (bucket(mid) >= bucket) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * The bucket of {@code x}: monotone in x (conversions and arithmetic in double round monotonically), so buckets
   * in index order are in x order; outside the range, the edge bucket.
   */
  private int bucket(long x) {
    if (span <= 0) {
      return 0;
    }
    double at = ((double) x - (double) xMin) / span * buckets;
    if (at <= 0) {
      return 0;
    }
    return at >= buckets ? buckets - 1 : (int) at;
  }
}
