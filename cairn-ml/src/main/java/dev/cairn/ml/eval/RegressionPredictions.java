package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;

/** Regressor output with the true values, row by row. Arrays are not copied. */
public record RegressionPredictions(double[] actual, double[] predicted) implements Predictions {

  public RegressionPredictions {
    if (actual == null || predicted == null) {
      throw CairnException.invalid("actual and predicted values are required");
    }
    if (actual.length != predicted.length) {
      throw CairnException.invalid("predicted has " + predicted.length + " rows but actual has " + actual.length
          + "; they must have the same number of rows");
    }
    for (int i = 0; i < actual.length; i++) {
      if (!Double.isFinite(actual[i]) || !Double.isFinite(predicted[i])) {
        throw CairnException.invalid("row " + i + " has actual " + actual[i] + " and predicted " + predicted[i]
            + "; regression values must be finite");
      }
    }
  }

  @Override
  public int size() {
    return actual.length;
  }

  @Override
  public String task() {
    return "regression";
  }

  @Override
  public RegressionPredictions subset(int[] rows) {
    double[] a = new double[rows.length];
    double[] p = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      a[i] = actual[rows[i]];
      p[i] = predicted[rows[i]];
    }
    return new RegressionPredictions(a, p);
  }
}
