package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.List;

/**
 * Counts of (actual, predicted) label pairs. Row = actual label, column = predicted label, both in {@code labels}
 * order.
 */
public record ConfusionMatrix(List<String> labels, long[][] counts) {

  public ConfusionMatrix {
    labels = List.copyOf(labels);
    if (counts == null || counts.length != labels.size()) {
      throw CairnException.invalid("confusion matrix needs one row per label (" + labels.size() + ")");
    }
    long[][] copy = new long[counts.length][];
    for (int r = 0; r < counts.length; r++) {
      if (counts[r] == null || counts[r].length != labels.size()) {
        throw CairnException.invalid("confusion matrix row " + r + " needs one column per label (" + labels.size() + ")");
      }
      copy[r] = counts[r].clone();
    }
    counts = copy;
  }

  /** Counts the pairs in {@code predictions}. */
  public static ConfusionMatrix of(ClassificationPredictions predictions) {
    var index = predictions.labelIndex();
    int k = predictions.labels().size();
    long[][] counts = new long[k][k];
    for (int i = 0; i < predictions.size(); i++) {
      counts[index.get(predictions.actual()[i])][index.get(predictions.predicted()[i])]++;
    }
    return new ConfusionMatrix(predictions.labels(), counts);
  }

  /** How many rows had label {@code actual} and were predicted as {@code predicted}. */
  public long count(String actual, String predicted) {
    int a = labels.indexOf(actual);
    int p = labels.indexOf(predicted);
    if (a < 0 || p < 0) {
      throw CairnException.invalid("label '" + (a < 0 ? actual : predicted) + "' is not one of " + labels);
    }
    return counts[a][p];
  }

  @Override
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int r = 0; r < counts.length; r++) {
      copy[r] = counts[r].clone();
    }
    return copy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfusionMatrix other && labels.equals(other.labels) && Arrays.deepEquals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return 31 * labels.hashCode() + Arrays.deepHashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + labels + Arrays.deepToString(counts);
  }
}
