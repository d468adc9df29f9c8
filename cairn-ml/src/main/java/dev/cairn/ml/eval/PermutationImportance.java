package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Permutation feature importance: shuffle one feature column at a time, predict again, and measure how much the
 * metric worsens. Deterministic for a seed: each (feature, repeat) pair draws its own shuffle from the seed, so
 * a feature's result does not depend on the other columns.
 */
public final class PermutationImportance {
  private PermutationImportance() {}

  /** Importance for a classifier against the actual labels. */
  public static List<FeatureImportance> forClassifier(double[][] features, List<String> featureNames,
      Predictor predictor, String[] actual, Metric metric, int repeats, long seed) {
    return compute(features, featureNames, predictor, out -> {
      if (!(out instanceof ModelOutput.Classes classes)) {
        throw CairnException.invalid("predictor returned values; importance for a classifier needs class labels");
      }
      return Predictions.of(actual, classes);
    }, metric, repeats, seed);
  }

  /** Importance for a regressor against the actual values. */
  public static List<FeatureImportance> forRegressor(double[][] features, List<String> featureNames,
      Predictor predictor, double[] actual, Metric metric, int repeats, long seed) {
    return compute(features, featureNames, predictor, out -> {
      if (!(out instanceof ModelOutput.Values values)) {
        throw CairnException.invalid("predictor returned class labels; importance for a regressor needs values");
      }
      return Predictions.of(actual, values);
    }, metric, repeats, seed);
  }

  private static List<FeatureImportance> compute(double[][] features, List<String> featureNames,
      Predictor predictor, Function<ModelOutput, Predictions> withActual, Metric metric, int repeats, long seed) {
    if (repeats < 1) {
      throw CairnException.invalid("repeats is " + repeats + "; it must be at least 1");
    }
    int width = featureNames.size();
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != width) {
        throw CairnException.invalid("feature row " + i + " has " + features[i].length + " columns but "
            + width + " feature names were given");
      }
    }
    double baseline = score(predictor, features, withActual, metric);
    List<FeatureImportance> out = new ArrayList<>();
    for (int j = 0; j < width; j++) {
      List<Double> drops = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        SplittableRandom random = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * ((long) j * repeats + r + 1));
        double[][] shuffled = withShuffledColumn(features, j, random);
        double permuted = score(predictor, shuffled, withActual, metric);
        drops.add(metric.higherIsBetter() ? baseline - permuted : permuted - baseline);
      }
      double mean = drops.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double variance = drops.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / drops.size();
      out.add(new FeatureImportance(featureNames.get(j), metric.key(), mean, Math.sqrt(variance), drops));
    }
    return out;
  }

  private static double score(Predictor predictor, double[][] features,
      Function<ModelOutput, Predictions> withActual, Metric metric) {
    ModelOutput output = predictor.predict(features);
    if (output.size() != features.length) {
      throw CairnException.invalid("predictor returned " + output.size() + " rows for " + features.length);
    }
    return metric.compute(withActual.apply(output)).orElseThrow(() -> CairnException.invalid(
        "metric '" + metric.key() + "' is undefined on these rows, so no importance can be measured with it"));
  }

  private static double[][] withShuffledColumn(double[][] features, int column, SplittableRandom random) {
    double[][] copy = new double[features.length][];
    for (int i = 0; i < features.length; i++) {
      copy[i] = features[i].clone();
    }
    for (int i = copy.length - 1; i > 0; i--) { // Fisher-Yates on the one column
      int k = random.nextInt(i + 1);
      double t = copy[i][column];
      copy[i][column] = copy[k][column];
      copy[k][column] = t;
    }
    return copy;
  }
}
