package dev.cairn.data.drift;

import dev.cairn.core.CairnException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Drift settings. Without an override, a column's method follows Evidently: when the reference has at most
 * {@code smallSampleLimit} values, numeric columns use KS and categorical ones chi-squared (z-test when binary);
 * above it, Wasserstein (normalised) and Jensen-Shannon. Numeric columns with at most
 * {@code maxCategoricalNumbers} distinct values count as categorical.
 *
 * @param thresholds per-method thresholds; missing methods use {@link DriftMethod#defaultThreshold()}
 * @param methodByColumn forces a method for a column
 * @param thresholdByColumn forces a threshold for a column
 * @param datasetDriftShare the dataset drifts when at least this share of columns drift
 * @param psiBins number of reference-quantile bins for PSI
 * @param psiEpsilon proportion used in place of an empty bin
 */
public record DriftOptions(int smallSampleLimit, int maxCategoricalNumbers, Map<DriftMethod, Double> thresholds,
    Map<String, DriftMethod> methodByColumn, Map<String, Double> thresholdByColumn, double datasetDriftShare,
    int psiBins, double psiEpsilon) {
  public static final DriftOptions DEFAULT = new DriftOptions(1000, 5, Map.of(), Map.of(), Map.of(), 0.5, 10, 1e-4);

  public DriftOptions {
    thresholds = Map.copyOf(thresholds == null ? Map.of() : thresholds);
    methodByColumn = Map.copyOf(methodByColumn == null ? Map.of() : methodByColumn);
    thresholdByColumn = Map.copyOf(thresholdByColumn == null ? Map.of() : thresholdByColumn);
    if (!(datasetDriftShare > 0 && datasetDriftShare <= 1)) {
      throw CairnException.invalid("drift option 'datasetDriftShare' is " + datasetDriftShare + "; it must be in (0, 1]");
    }
    if (psiBins < 2) {
      throw CairnException.invalid("drift option 'psiBins' is " + psiBins + "; it must be at least 2");
    }
    if (!(psiEpsilon > 0 && psiEpsilon < 0.1)) {
      throw CairnException.invalid("drift option 'psiEpsilon' is " + psiEpsilon + "; it must be in (0, 0.1)");
    }
  }

  public double threshold(String column, DriftMethod method) {
    Double forced = thresholdByColumn.get(column);
    if (forced != null) {
      return forced;
    }
    return thresholds.getOrDefault(method, method.defaultThreshold());
  }

  public DriftOptions withMethod(String column, DriftMethod method) {
    Map<String, DriftMethod> m = new java.util.HashMap<>(methodByColumn);
    m.put(column, method);
    return new DriftOptions(smallSampleLimit, maxCategoricalNumbers, thresholds, m, thresholdByColumn, datasetDriftShare,
        psiBins, psiEpsilon);
  }

  public DriftOptions withThreshold(DriftMethod method, double threshold) {
    Map<DriftMethod, Double> t = new EnumMap<>(DriftMethod.class);
    t.putAll(thresholds);
    t.put(method, threshold);
    return new DriftOptions(smallSampleLimit, maxCategoricalNumbers, t, methodByColumn, thresholdByColumn,
        datasetDriftShare, psiBins, psiEpsilon);
  }

  public DriftOptions withDatasetDriftShare(double share) {
    return new DriftOptions(smallSampleLimit, maxCategoricalNumbers, thresholds, methodByColumn, thresholdByColumn, share,
        psiBins, psiEpsilon);
  }
}
