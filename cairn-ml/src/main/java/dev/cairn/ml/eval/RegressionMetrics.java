package dev.cairn.ml.eval;

import java.util.OptionalDouble;

/** Regression metrics on plain arrays. Each is empty for zero rows; R2 also when the actual values are constant. */
public final class RegressionMetrics {
  private RegressionMetrics() {}

  /** Root of the mean squared error. */
  public static OptionalDouble rmse(RegressionPredictions p) {
    if (p.size() == 0) {
      return OptionalDouble.empty();
    }
    double sum = 0;
    for (int i = 0; i < p.size(); i++) {
      double e = p.actual()[i] - p.predicted()[i];
      sum += e * e;
    }
    return OptionalDouble.of(Math.sqrt(sum / p.size()));
  }

  /** Mean absolute error. */
  public static OptionalDouble mae(RegressionPredictions p) {
    if (p.size() == 0) {
      return OptionalDouble.empty();
    }
    double sum = 0;
    for (int i = 0; i < p.size(); i++) {
      sum += Math.abs(p.actual()[i] - p.predicted()[i]);
    }
    return OptionalDouble.of(sum / p.size());
  }

  /** Coefficient of determination: 1 - residual sum of squares / total sum of squares around the actual mean. */
  public static OptionalDouble r2(RegressionPredictions p) {
    if (p.size() == 0) {
      return OptionalDouble.empty();
    }
    double mean = 0;
    for (double a : p.actual()) {
      mean += a;
    }
    mean /= p.size();
    double residual = 0;
    double total = 0;
    for (int i = 0; i < p.size(); i++) {
      double e = p.actual()[i] - p.predicted()[i];
      double d = p.actual()[i] - mean;
      residual += e * e;
      total += d * d;
    }
    return total == 0 ? OptionalDouble.empty() : OptionalDouble.of(1 - residual / total);
  }
}
