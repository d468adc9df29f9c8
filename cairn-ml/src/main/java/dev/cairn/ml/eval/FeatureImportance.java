package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.List;

/**
 * Permutation importance of one feature: how much worse {@code metric} got when the feature's column was
 * shuffled ({@code drops}, one per repeat; positive = the model relies on the feature), their mean and
 * population standard deviation.
 */
public record FeatureImportance(String feature, String metric, double mean, double std, List<Double> drops) {
  public FeatureImportance {
    if (feature == null || metric == null) {
      throw CairnException.invalid("feature importance needs a feature name and a metric");
    }
    if (drops == null || drops.isEmpty()) {
      throw CairnException.invalid("feature importance of '" + feature + "' has no repeats");
    }
    drops = List.copyOf(drops);
  }
}
