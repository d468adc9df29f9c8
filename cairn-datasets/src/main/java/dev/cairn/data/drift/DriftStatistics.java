package dev.cairn.data.drift;

import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/** Exact drift statistics on samples and category counts; the formulas the sketch-based paths approximate. */
public final class DriftStatistics {
  private DriftStatistics() {}

  /** A statistic and, for tests, its p-value (NaN for distances). */
  public record Result(double statistic, double pValue) {}

  /** Two-sample Kolmogorov-Smirnov D = sup |F_a(x) - F_b(x)| over the pooled values. */
  public static double ksStatistic(double[] a, double[] b) {
    requireNonEmpty(a, b);
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < x.length && j < y.length) {
      double v = Math.min(x[i], y[j]);
      while (i < x.length && x[i] == v) {
        i++;
      }
      while (j < y.length && y[j] == v) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
    }
    return d;
  }

  /** KS test: exact p-value when n*m < 10,000, else the asymptotic Kolmogorov distribution. */
  public static Result ks(double[] a, double[] b) {
    double d = ksStatistic(a, b);
    return new Result(d, ksPValue(d, a.length, b.length));
  }

  public static double ksPValue(double d, long n, long m) {
    if (d <= 0) {
      return 1.0;
    }
    KolmogorovSmirnovTest test = new KolmogorovSmirnovTest();
    if (n * m < 10_000) {
      return test.exactP(d, (int) n, (int) m, true);
    }
    double ne = (double) n * m / (n + m);
    return Math.min(1.0, Math.max(0.0, 1.0 - test.ksSum(d * Math.sqrt(ne), 1e-20, 100_000)));
  }

  /** Wasserstein-1 distance between two samples: the area between their empirical CDFs. */
  public static double wasserstein(double[] a, double[] b) {
    requireNonEmpty(a, b);
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    double[] all = new double[x.length + y.length];
    System.arraycopy(x, 0, all, 0, x.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    Arrays.sort(all);
    double area = 0;
    int i = 0;
    int j = 0;
    for (int k = 0; k < all.length - 1; k++) {
      while (i < x.length && x[i] <= all[k]) {
        i++;
      }
      while (j < y.length && y[j] <= all[k]) {
        j++;
      }
      area += Math.abs((double) i / x.length - (double) j / y.length) * (all[k + 1] - all[k]);
    }
    return area;
  }

  /** Population standard deviation (ddof 0, as numpy's default, which Evidently divides by). */
  public static double std(double[] a) {
    double mean = Arrays.stream(a).average().orElse(0);
    double s = 0;
    for (double v : a) {
      s += (v - mean) * (v - mean);
    }
    return Math.sqrt(s / a.length);
  }

  /** PSI = sum over bins of (cur - ref) * ln(cur / ref), with empty-bin proportions replaced by {@code epsilon}. */
  public static double psi(double[] referenceProportions, double[] currentProportions, double epsilon) {
    if (referenceProportions.length != currentProportions.length) {
      throw CairnException.invalid("PSI needs equal bin counts; got " + referenceProportions.length + " and "
          + currentProportions.length);
    }
    double psi = 0;
    for (int i = 0; i < referenceProportions.length; i++) {
      double r = referenceProportions[i] <= 0 ? epsilon : referenceProportions[i];
      double c = currentProportions[i] <= 0 ? epsilon : currentProportions[i];
      psi += (c - r) * Math.log(c / r);
    }
    return psi;
  }

  /**
   * PSI on samples with {@code bins} bins whose inner edges are the reference's quantiles (type 7,
   * linear interpolation); bins are (edge_i, edge_i+1], the first open below and the last open above.
   */
  public static double psi(double[] reference, double[] current, int bins, double epsilon) {
    requireNonEmpty(reference, current);
    double[] ref = reference.clone();
    Arrays.sort(ref);
    double[] edges = new double[bins - 1];
    for (int i = 1; i < bins; i++) {
      double h = (ref.length - 1) * ((double) i / bins);
      int lo = (int) Math.floor(h);
      int hi = Math.min(lo + 1, ref.length - 1);
      edges[i - 1] = ref[lo] + (h - lo) * (ref[hi] - ref[lo]);
    }
    return psi(binProportions(reference, edges), binProportions(current, edges), epsilon);
  }

  static double[] binProportions(double[] values, double[] edges) {
    double[] out = new double[edges.length + 1];
    for (double v : values) {
      int k = 0;
      while (k < edges.length && v > edges[k]) {
        k++;
      }
      out[k]++;
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= values.length;
    }
    return out;
  }

  /** Jensen-Shannon distance (square root of the divergence, natural log) between two distributions. */
  public static double jensenShannon(double[] p, double[] q) {
    double sp = Arrays.stream(p).sum();
    double sq = Arrays.stream(q).sum();
    double js = 0;
    for (int i = 0; i < p.length; i++) {
      double a = p[i] / sp;
      double b = q[i] / sq;
      double m = (a + b) / 2;
      if (a > 0) {
        js += 0.5 * a * Math.log(a / m);
      }
      if (b > 0) {
        js += 0.5 * b * Math.log(b / m);
      }
    }
    return Math.sqrt(Math.max(0, js));
  }

  /** Jensen-Shannon distance between two sets of category counts (over the union of categories). */
  public static double jensenShannon(Map<String, Long> reference, Map<String, Long> current) {
    TreeSet<String> keys = new TreeSet<>(reference.keySet());
    keys.addAll(current.keySet());
    double[] p = new double[keys.size()];
    double[] q = new double[keys.size()];
    int i = 0;
    for (String k : keys) {
      p[i] = reference.getOrDefault(k, 0L);
      q[i++] = current.getOrDefault(k, 0L);
    }
    return jensenShannon(p, q);
  }

  /**
   * Pearson's chi-squared test of homogeneity on the 2 x k table of reference and current counts (df = k - 1).
   * Unlike a goodness-of-fit test against reference proportions (Evidently's choice), it accounts for the
   * reference's own sampling noise, so two samples of one distribution do not drift twice as often as they
   * should; for two categories it equals the squared pooled z statistic.
   */
  public static Result chiSquared(Map<String, Long> reference, Map<String, Long> current) {
    TreeSet<String> keys = new TreeSet<>(reference.keySet());
    keys.addAll(current.keySet());
    double refTotal = reference.values().stream().mapToLong(Long::longValue).sum();
    double curTotal = current.values().stream().mapToLong(Long::longValue).sum();
    if (refTotal == 0 || curTotal == 0) {
      throw CairnException.invalid("chi-squared needs non-empty reference and current counts");
    }
    double total = refTotal + curTotal;
    double stat = 0;
    int k = 0;
    for (String key : keys) {
      double r = reference.getOrDefault(key, 0L);
      double c = current.getOrDefault(key, 0L);
      double column = r + c;
      if (column == 0) {
        continue;
      }
      k++;
      double er = column * refTotal / total;
      double ec = column * curTotal / total;
      stat += (r - er) * (r - er) / er + (c - ec) * (c - ec) / ec;
    }
    int df = k - 1;
    double p = df < 1 ? 1.0 : 1.0 - new ChiSquaredDistribution(df).cumulativeProbability(stat);
    return new Result(stat, p);
  }

  /**
   * Two-proportion z-test (pooled variance, two-sided) on the share of {@code category} in each sample,
   * Evidently's test for binary columns.
   */
  public static Result zTest(long referenceHits, long referenceTotal, long currentHits, long currentTotal) {
    double p1 = (double) referenceHits / referenceTotal;
    double p2 = (double) currentHits / currentTotal;
    double pooled = (double) (referenceHits + currentHits) / (referenceTotal + currentTotal);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / referenceTotal + 1.0 / currentTotal));
    if (se == 0) {
      return new Result(0, p1 == p2 ? 1.0 : 0.0);
    }
    double z = (p1 - p2) / se;
    double p = 2 * (1 - new NormalDistribution(null, 0, 1).cumulativeProbability(Math.abs(z)));
    return new Result(z, p);
  }

  private static void requireNonEmpty(double[] a, double[] b) {
    if (a.length == 0 || b.length == 0) {
      throw CairnException.invalid("drift statistics need non-empty samples; got " + a.length + " and " + b.length + " values");
    }
  }
}
