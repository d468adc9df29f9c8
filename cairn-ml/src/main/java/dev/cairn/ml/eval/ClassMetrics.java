package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;

/**
 * Precision, recall and F1 of one class, treating it as the positive class; {@code support} = rows whose actual
 * label is this class. A ratio with a zero denominator is 0 (as scikit-learn's {@code zero_division=0}).
 */
public record ClassMetrics(String label, double precision, double recall, double f1, long support) {
  public ClassMetrics {
    if (label == null) {
      throw CairnException.invalid("class label is required");
    }
    if (support < 0) {
      throw CairnException.invalid("support " + support + " is negative");
    }
  }
}
