package dev.cairn.ml.eval;

/**
 * What a model said about a set of rows next to what was true: the input of every metric. A classification or a
 * regression; both can be cut to a subset of rows (for slices).
 */
public sealed interface Predictions permits ClassificationPredictions, RegressionPredictions {

  /** Number of rows. */
  int size();

  /** The same predictions restricted to the given row indexes, in that order. */
  Predictions subset(int[] rows);

  /** The task name written into evaluations: {@code classification} or {@code regression}. */
  String task();

  /** Joins true labels with a classifier's output. */
  static ClassificationPredictions of(String[] actual, ModelOutput.Classes output) {
    return new ClassificationPredictions(output.labels(), actual, output.predicted(), output.probabilities());
  }

  /** Joins true values with a regressor's output. */
  static RegressionPredictions of(double[] actual, ModelOutput.Values output) {
    return new RegressionPredictions(actual, output.values());
  }
}
