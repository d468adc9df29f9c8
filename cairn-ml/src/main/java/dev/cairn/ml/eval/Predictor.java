package dev.cairn.ml.eval;

/**
 * A model as evaluation sees it: a batch of numeric feature rows in, one answer per row out. Must be
 * deterministic and must not change the array it is given.
 */
@FunctionalInterface
public interface Predictor {
  ModelOutput predict(double[][] features);
}
