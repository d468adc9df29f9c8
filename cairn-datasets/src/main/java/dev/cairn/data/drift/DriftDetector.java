package dev.cairn.data.drift;

import dev.cairn.data.schema.ColumnSchema;
import dev.cairn.data.schema.DataType;
import dev.cairn.data.stats.ColumnProfile;
import dev.cairn.data.stats.NumericDistribution;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Sketches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares a current dataset with a reference, column by column, and decides dataset drift. Works on
 * {@link Profile}s (so a monitor can keep only sketches) or on raw samples (exact).
 *
 * <p>From profiles, numeric distances are computed on the stored {@link NumericDistribution}s: exact while a column
 * has at most 64 distinct numbers, else on buckets within 0.05% of each value, so Wasserstein moves by at most
 * 0.05% of the columns' mean absolute value and KS counts only values in the same bucket as tied; category counts
 * are exact while a column has few distinct values (see {@link Sketches#frequencies}). The results are a pure
 * function of the two profiles.
 */
public final class DriftDetector {
  private DriftDetector() {}

  /** Drift of every column present in both profiles and comparable (numeric or categorical). */
  public static DriftReport compare(Profile reference, Profile current, DriftOptions options) {
    List<ColumnDrift> out = new ArrayList<>();
    for (ColumnProfile ref : reference.columns()) {
      ColumnProfile cur = current.column(ref.name()).orElse(null);
      if (cur == null || ref.count() == 0 || cur.count() == 0) {
        continue;
      }
      DataType type = reference.schema().column(ref.name()).map(ColumnSchema::type).orElse(DataType.UNKNOWN);
      ColumnDrift d = compareColumn(ref, cur, type, options);
      if (d != null) {
        out.add(d);
      }
    }
    return DriftReport.of(out, options.datasetDriftShare());
  }

  static ColumnDrift compareColumn(ColumnProfile ref, ColumnProfile cur, DataType type, DriftOptions options) {
    boolean numeric = type.isNumeric() && ref.distinct() > options.maxCategoricalNumbers();
    boolean categorical = !numeric && (type.isNumeric() || type == DataType.BOOLEAN || type == DataType.CATEGORICAL);
    if (!numeric && !categorical) {
      return null;
    }
    String column = ref.name();
    if (numeric) {
      DriftMethod method = options.methodByColumn().getOrDefault(column,
          ref.numericCount() <= options.smallSampleLimit() ? DriftMethod.KS : DriftMethod.WASSERSTEIN);
      return numericFromSketches(column, ref, cur, method, options);
    }
    Map<String, Long> r = Sketches.frequencies(ref);
    Map<String, Long> c = Sketches.frequencies(cur);
    DriftMethod method = options.methodByColumn().get(column);
    if (method == null) {
      method = defaultCategoricalMethod(r, c, ref.count(), options);
    }
    boolean exact = Sketches.frequenciesExact(ref) && Sketches.frequenciesExact(cur);
    return categorical(column, r, c, method, options, !exact);
  }

  private static DriftMethod defaultCategoricalMethod(Map<String, Long> r, Map<String, Long> c, long refCount,
      DriftOptions options) {
    if (refCount > options.smallSampleLimit()) {
      return DriftMethod.JENSEN_SHANNON;
    }
    TreeSet<String> keys = new TreeSet<>(r.keySet());
    keys.addAll(c.keySet());
    return keys.size() <= 2 ? DriftMethod.Z_TEST : DriftMethod.CHI_SQUARED;
  }

  private static ColumnDrift numericFromSketches(String column, ColumnProfile refProfile, ColumnProfile curProfile,
      DriftMethod method, DriftOptions options) {
    NumericDistribution ref = Sketches.quantiles(refProfile);
    NumericDistribution cur = Sketches.quantiles(curProfile);
    double threshold = options.threshold(column, method);
    long n = ref.n();
    long m = cur.n();
    boolean approximate = !ref.isExact() || !cur.isExact();
    double statistic;
    Double p = null;
    switch (method) {
      case KS -> {
        statistic = NumericDistribution.ksStatistic(ref, cur);
        p = DriftStatistics.ksPValue(statistic, n, m);
      }
      case WASSERSTEIN -> statistic = NumericDistribution.wasserstein(ref, cur) / referenceStd(refProfile);
      case PSI -> {
        double[] edges = new double[options.psiBins() - 1];
        for (int i = 0; i < edges.length; i++) {
          edges[i] = ref.quantile((i + 1.0) / options.psiBins());
        }
        edges = Arrays.stream(edges).distinct().toArray();
        statistic = DriftStatistics.psi(ref.binProportions(edges), cur.binProportions(edges), options.psiEpsilon());
      }
      default -> {
        return categorical(column, Sketches.frequencies(refProfile), Sketches.frequencies(curProfile), method, options,
            !(Sketches.frequenciesExact(refProfile) && Sketches.frequenciesExact(curProfile)));
      }
    }
    return new ColumnDrift(column, "numeric", method, statistic, p, threshold,
        method.isDrift(p != null ? p : statistic, threshold), n, m, approximate);
  }

  /** Reference std (sample std from the profile); a constant reference uses 1e-3 so the ratio stays finite. */
  private static double referenceStd(ColumnProfile ref) {
    double std = ref.std() == null ? 0 : ref.std();
    return std > 0 ? std : 1e-3;
  }

  /** Exact drift of a numeric column from raw samples. */
  public static ColumnDrift numeric(String column, double[] reference, double[] current, DriftOptions options) {
    DriftMethod method = options.methodByColumn().getOrDefault(column,
        reference.length <= options.smallSampleLimit() ? DriftMethod.KS : DriftMethod.WASSERSTEIN);
    double threshold = options.threshold(column, method);
    double statistic;
    Double p = null;
    switch (method) {
      case KS -> {
        DriftStatistics.Result r = DriftStatistics.ks(reference, current);
        statistic = r.statistic();
        p = r.pValue();
      }
      case WASSERSTEIN -> {
        double std = DriftStatistics.std(reference);
        statistic = DriftStatistics.wasserstein(reference, current) / (std > 0 ? std : 1e-3);
      }
      case PSI -> statistic = DriftStatistics.psi(reference, current, options.psiBins(), options.psiEpsilon());
      default -> throw dev.cairn.core.CairnException.invalid("drift method '" + method.id() + "' for column '"
          + column + "' needs categories, not numbers; use ks, wasserstein or psi");
    }
    return new ColumnDrift(column, "numeric", method, statistic, p, threshold,
        method.isDrift(p != null ? p : statistic, threshold), reference.length, current.length, false);
  }

  /** Drift of a categorical column from category counts (exact unless {@code approximate}). */
  public static ColumnDrift categorical(String column, Map<String, Long> reference, Map<String, Long> current,
      DriftMethod method, DriftOptions options, boolean approximate) {
    if (method == null) {
      long refCount = reference.values().stream().mapToLong(Long::longValue).sum();
      method = options.methodByColumn().getOrDefault(column,
          defaultCategoricalMethod(reference, current, refCount, options));
    }
    double threshold = options.threshold(column, method);
    long n = reference.values().stream().mapToLong(Long::longValue).sum();
    long m = current.values().stream().mapToLong(Long::longValue).sum();
    double statistic;
    Double p = null;
    switch (method) {
      case CHI_SQUARED -> {
        DriftStatistics.Result r = DriftStatistics.chiSquared(reference, current);
        statistic = r.statistic();
        p = r.pValue();
      }
      case Z_TEST -> {
        TreeSet<String> keys = new TreeSet<>(reference.keySet());
        keys.addAll(current.keySet());
        String category = keys.first();
        DriftStatistics.Result r = DriftStatistics.zTest(reference.getOrDefault(category, 0L), n,
            current.getOrDefault(category, 0L), m);
        statistic = r.statistic();
        p = r.pValue();
      }
      case JENSEN_SHANNON -> statistic = DriftStatistics.jensenShannon(reference, current);
      case PSI -> {
        TreeSet<String> keys = new TreeSet<>(reference.keySet());
        keys.addAll(current.keySet());
        double[] r = new double[keys.size()];
        double[] c = new double[keys.size()];
        int i = 0;
        for (String k : keys) {
          r[i] = (double) reference.getOrDefault(k, 0L) / n;
          c[i++] = (double) current.getOrDefault(k, 0L) / m;
        }
        statistic = DriftStatistics.psi(r, c, options.psiEpsilon());
      }
      default -> throw dev.cairn.core.CairnException.invalid("drift method '" + method.id() + "' for column '"
          + column + "' needs numbers, not categories; use chi_squared, z_test, jensen_shannon or psi");
    }
    return new ColumnDrift(column, "categorical", method, statistic, p, threshold,
        method.isDrift(p != null ? p : statistic, threshold), n, m, approximate);
  }
}
