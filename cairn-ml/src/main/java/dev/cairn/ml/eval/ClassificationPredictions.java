package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Classifier output with the truth. {@code labels} fixes the class order: it is the column order of
 * {@code probabilities} and the row/column order of the confusion matrix. {@code probabilities} may be null (then
 * ROC AUC and log loss are not computed). Arrays are not copied; callers must not change them afterwards.
 */
public record ClassificationPredictions(
    List<String> labels, String[] actual, String[] predicted, double[][] probabilities) implements Predictions {

  public ClassificationPredictions {
    if (labels == null || labels.isEmpty()) {
      throw CairnException.invalid("labels is empty; a classification needs at least one class label");
    }
    labels = List.copyOf(labels);
    if (new HashSet<>(labels).size() != labels.size()) {
      throw CairnException.invalid("labels " + labels + " has duplicates; each class label must appear once");
    }
    if (actual == null || predicted == null) {
      throw CairnException.invalid("actual and predicted labels are required");
    }
    if (actual.length != predicted.length) {
      throw CairnException.invalid("predicted has " + predicted.length + " rows but actual has " + actual.length
          + "; they must have the same number of rows");
    }
    Set<String> known = new HashSet<>(labels);
    checkKnown("actual", actual, known, labels);
    checkKnown("predicted", predicted, known, labels);
    if (probabilities != null) {
      if (probabilities.length != actual.length) {
        throw CairnException.invalid("probabilities has " + probabilities.length + " rows but actual has "
            + actual.length + "; they must have the same number of rows");
      }
      for (int i = 0; i < probabilities.length; i++) {
        double[] row = probabilities[i];
        if (row == null || row.length != labels.size()) {
          throw CairnException.invalid("probabilities row " + i + " has " + (row == null ? 0 : row.length)
              + " columns; it must have one per label (" + labels.size() + ")");
        }
        for (double p : row) {
          if (!(p >= 0 && p <= 1)) {
            throw CairnException.invalid("probabilities row " + i + " has " + p + "; probabilities must be in [0, 1]");
          }
        }
      }
    }
  }

  private static void checkKnown(String field, String[] values, Set<String> known, List<String> labels) {
    for (int i = 0; i < values.length; i++) {
      if (!known.contains(values[i])) {
        throw CairnException.invalid(field + " row " + i + " is '" + values[i] + "', not one of the labels " + labels);
      }
    }
  }

  /** Predictions where the predicted label is the most probable one (first label on ties). */
  public static ClassificationPredictions fromProbabilities(
      List<String> labels, String[] actual, double[][] probabilities) {
    if (probabilities == null) {
      throw CairnException.invalid("probabilities are required to derive predicted labels");
    }
    String[] predicted = new String[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      double[] row = probabilities[i];
      int best = 0;
      for (int c = 1; c < row.length; c++) {
        if (row[c] > row[best]) {
          best = c;
        }
      }
      predicted[i] = labels.get(Math.min(best, labels.size() - 1));
    }
    return new ClassificationPredictions(labels, actual, predicted, probabilities);
  }

  @Override
  public int size() {
    return actual.length;
  }

  @Override
  public String task() {
    return "classification";
  }

  /** Position of each label in {@link #labels()}. */
  Map<String, Integer> labelIndex() {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int c = 0; c < labels.size(); c++) {
      index.put(labels.get(c), c);
    }
    return index;
  }

  @Override
  public ClassificationPredictions subset(int[] rows) {
    String[] a = new String[rows.length];
    String[] p = new String[rows.length];
    double[][] prob = probabilities == null ? null : new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      a[i] = actual[rows[i]];
      p[i] = predicted[rows[i]];
      if (prob != null) {
        prob[i] = probabilities[rows[i]];
      }
    }
    return new ClassificationPredictions(labels, a, p, prob);
  }
}
