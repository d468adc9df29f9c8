package dev.cairn.data.stats;

import dev.cairn.core.CairnException;
import java.util.Arrays;

/**
 * The numeric values of a column as sorted (value, count) points: exact when the column had few distinct numbers,
 * else the buckets of its quantile sketch, each value within {@link #relativeError()} of the values it stands for
 * (or within {@link #absoluteError()} for values that small). Answers any quantile, ranks and bin proportions, and
 * computes Wasserstein and Kolmogorov-Smirnov distances between two columns. Every answer is a pure function of
 * the stored profile.
 */
public final class NumericDistribution {
  private final double[] values;
  private final long[] counts;
  private final long[] cumulative;
  private final long n;
  private final double min;
  private final double max;
  private final boolean exact;
  private final double absoluteError;

  NumericDistribution(double[] values, long[] counts, double min, double max, boolean exact, double absoluteError) {
    this.values = values;
    this.counts = counts;
    this.cumulative = new long[counts.length];
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      total += counts[i];
      cumulative[i] = total;
    }
    this.n = total;
    this.min = min;
    this.max = max;
    this.exact = exact;
    this.absoluteError = absoluteError;
  }

  /** Number of values. */
  public long n() {
    return n;
  }

  public boolean isEmpty() {
    return n == 0;
  }

  /** True when every value is held exactly (no bucketing). */
  public boolean isExact() {
    return exact;
  }

  /** Largest relative error of a bucketed value (0 when exact). */
  public double relativeError() {
    return exact ? 0 : QuantileSketch.RELATIVE_ERROR;
  }

  /**
   * Largest absolute error of a bucketed value near zero: the width of the zero bucket (about 2.2e-311, subnormals,
   * while nothing was folded; else the largest folded magnitude); 0 when exact.
   */
  public double absoluteError() {
    return exact ? 0 : absoluteError;
  }

  /**
   * The value at rank {@code ceil(q * n)} (the smallest value whose share of values at or below it is at least
   * q); q = 0 gives the minimum and q = 1 the maximum, both exact.
   */
  public double quantile(double q) {
    if (!(q >= 0 && q <= 1)) {
      throw CairnException.invalid("quantile " + q + " is outside [0, 1]");
    }
    if (n == 0) {
      return Double.NaN;
    }
    if (q == 0) {
      return min;
    }
    if (q == 1) {
      return max;
    }
    long rank = Math.max(1, (long) Math.ceil(q * n));
    int i = Arrays.binarySearch(cumulative, rank);
    if (i < 0) {
      i = -i - 1;
    }
    return values[Math.min(i, values.length - 1)];
  }

  /** Share of values at or below {@code x}. */
  public double rank(double x) {
    if (n == 0) {
      return Double.NaN;
    }
    return (double) countAtOrBelow(x) / n;
  }

  private long countAtOrBelow(double x) {
    int lo = 0;
    int hi = values.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : cumulative[lo - 1];
  }

  /** Proportions of values in (-inf, e1], (e1, e2], ..., (ek, +inf) for ascending edges. */
  public double[] binProportions(double[] edges) {
    double[] out = new double[edges.length + 1];
    long previous = 0;
    for (int i = 0; i < edges.length; i++) {
      long c = countAtOrBelow(edges[i]);
      out[i] = (double) (c - previous) / n;
      previous = c;
    }
    out[edges.length] = (double) (n - previous) / n;
    return out;
  }

  /** Counts per fixed-width bin over [min, max] (the last bin includes max); they sum to n. */
  long[] histogram(int bins) {
    long[] out = new long[bins];
    double width = (max - min) / bins;
    for (int i = 0; i < values.length; i++) {
      int b = width > 0 ? (int) Math.floor((values[i] - min) / width) : 0;
      out[Math.max(0, Math.min(bins - 1, b))] += counts[i];
    }
    return out;
  }

  /** Wasserstein-1 distance: the area between the two step CDFs. */
  public static double wasserstein(NumericDistribution a, NumericDistribution b) {
    double[] area = {0};
    double[] previous = {Math.min(a.values[0], b.values[0]), 0};
    walk(a, b, (x, fa, fb) -> {
      area[0] += previous[1] * (x - previous[0]);
      previous[0] = x;
      previous[1] = Math.abs(fa - fb);
    });
    return area[0];
  }

  /** Kolmogorov-Smirnov D: the largest gap between the two CDFs. */
  public static double ksStatistic(NumericDistribution a, NumericDistribution b) {
    double[] d = {0};
    walk(a, b, (x, fa, fb) -> d[0] = Math.max(d[0], Math.abs(fa - fb)));
    return d[0];
  }

  private interface Step {
    void at(double x, double cdfA, double cdfB);
  }

  /** Visits every point of either support in ascending order with both CDFs just after it. */
  private static void walk(NumericDistribution a, NumericDistribution b, Step step) {
    requireNonEmpty(a, b);
    int i = 0;
    int j = 0;
    long ca = 0;
    long cb = 0;
    while (i < a.values.length || j < b.values.length) {
      double va = i < a.values.length ? a.values[i] : Double.POSITIVE_INFINITY;
      double vb = j < b.values.length ? b.values[j] : Double.POSITIVE_INFINITY;
      double next = Math.min(va, vb);
      if (va == next) {
        ca += a.counts[i++];
      }
      if (vb == next) {
        cb += b.counts[j++];
      }
      step.at(next, (double) ca / a.n, (double) cb / b.n);
    }
  }

  private static void requireNonEmpty(NumericDistribution a, NumericDistribution b) {
    if (a.n == 0 || b.n == 0) {
      throw CairnException.invalid("distances need values on both sides; got " + a.n + " and " + b.n);
    }
  }
}
