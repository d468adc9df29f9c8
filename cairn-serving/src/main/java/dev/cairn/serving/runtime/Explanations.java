package dev.cairn.serving.runtime;

import dev.cairn.core.CairnException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-feature contributions of a linear model's predictions: for each row, weight x transformed feature value for
 * every model feature (one-hot categories and buckets are features of their own), plus the intercept. For a
 * classifier they add up to the predicted class's linear score (its logit before the softmax), for a regression to
 * the predicted value.
 *
 * @param features the model's feature names, in the order of each row's contributions
 * @param explained the class each row's contributions are towards (the predicted one); null for regression
 * @param contributions one array per row, one value per feature
 * @param intercepts the intercept (bias) of each row's explained class or of the regression
 */
public record Explanations(List<String> features, String[] explained, double[][] contributions, double[] intercepts) {
  public Explanations {
    features = List.copyOf(features);
    if (contributions == null || intercepts == null || contributions.length != intercepts.length) {
      throw CairnException.invalid("explanations need one contribution row and one intercept per prediction");
    }
  }

  public int size() {
    return contributions.length;
  }

  /** The linear score of row {@code row}: the sum of its contributions and its intercept. */
  public double score(int row) {
    double sum = intercepts[row];
    for (double c : contributions[row]) {
      sum += c;
    }
    return sum;
  }

  /** Row {@code row} as feature name to contribution, in feature order, for JSON responses. */
  public Map<String, Double> byFeature(int row) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int f = 0; f < features.size(); f++) {
      out.put(features.get(f), contributions[row][f]);
    }
    return out;
  }
}
