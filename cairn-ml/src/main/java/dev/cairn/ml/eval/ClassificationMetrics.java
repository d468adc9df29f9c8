package dev.cairn.ml.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/** Classification metrics on plain arrays. Definitions are in docs/evaluation.md. */
public final class ClassificationMetrics {
  /** Probabilities are clipped to [EPSILON, 1 - EPSILON] before the log, so one confident mistake stays finite. */
  public static final double LOG_LOSS_EPSILON = 1e-15;

  private ClassificationMetrics() {}

  /** Share of rows whose predicted label equals the actual one; empty for zero rows. */
  public static OptionalDouble accuracy(ClassificationPredictions p) {
    if (p.size() == 0) {
      return OptionalDouble.empty();
    }
    long right = 0;
    for (int i = 0; i < p.size(); i++) {
      if (p.actual()[i].equals(p.predicted()[i])) {
        right++;
      }
    }
    return OptionalDouble.of((double) right / p.size());
  }

  /** Precision, recall, F1 and support per class, in label order. */
  public static List<ClassMetrics> perClass(ClassificationPredictions p) {
    long[][] m = ConfusionMatrix.of(p).counts();
    List<ClassMetrics> out = new ArrayList<>();
    for (int c = 0; c < m.length; c++) {
      long tp = m[c][c];
      long support = Arrays.stream(m[c]).sum();
      long predictedCount = 0;
      for (long[] row : m) {
        predictedCount += row[c];
      }
      double precision = predictedCount == 0 ? 0 : (double) tp / predictedCount;
      double recall = support == 0 ? 0 : (double) tp / support;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      out.add(new ClassMetrics(p.labels().get(c), precision, recall, f1, support));
    }
    return out;
  }

  /** Which per-class figure an average is taken of. */
  enum Figure { PRECISION, RECALL, F1 }

  /**
   * Unweighted mean over the classes that occur as actual or predicted label (classes absent from both, e.g. in
   * a small slice, would otherwise count as zeros).
   */
  static OptionalDouble macro(ClassificationPredictions p, Figure figure) {
    List<ClassMetrics> classes = perClass(p);
    long[][] m = ConfusionMatrix.of(p).counts();
    double sum = 0;
    int n = 0;
    for (int c = 0; c < classes.size(); c++) {
      long predictedCount = 0;
      for (long[] row : m) {
        predictedCount += row[c];
      }
      if (classes.get(c).support() == 0 && predictedCount == 0) {
        continue;
      }
      sum += pick(classes.get(c), figure);
      n++;
    }
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
  }

  /** Mean over classes weighted by their support (number of actual rows). */
  static OptionalDouble weighted(ClassificationPredictions p, Figure figure) {
    if (p.size() == 0) {
      return OptionalDouble.empty();
    }
    double sum = 0;
    for (ClassMetrics c : perClass(p)) {
      sum += c.support() * pick(c, figure);
    }
    return OptionalDouble.of(sum / p.size());
  }

  private static double pick(ClassMetrics c, Figure figure) {
    return switch (figure) {
      case PRECISION -> c.precision();
      case RECALL -> c.recall();
      case F1 -> c.f1();
    };
  }

  /**
   * ROC AUC. Two labels: the second label is the positive class, scored by its probability column. More labels:
   * one-vs-rest AUC per class, macro-averaged over classes that have both positive and negative rows. Empty
   * without probabilities or when no class has both.
   */
  public static OptionalDouble rocAuc(ClassificationPredictions p) {
    if (p.probabilities() == null || p.labels().size() < 2) {
      return OptionalDouble.empty();
    }
    if (p.labels().size() == 2) {
      return binaryAuc(column(p, 1), positives(p, p.labels().get(1)));
    }
    double sum = 0;
    int n = 0;
    for (int c = 0; c < p.labels().size(); c++) {
      OptionalDouble auc = binaryAuc(column(p, c), positives(p, p.labels().get(c)));
      if (auc.isPresent()) {
        sum += auc.getAsDouble();
        n++;
      }
    }
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
  }

  private static double[] column(ClassificationPredictions p, int c) {
    double[] scores = new double[p.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = p.probabilities()[i][c];
    }
    return scores;
  }

  private static boolean[] positives(ClassificationPredictions p, String label) {
    boolean[] pos = new boolean[p.size()];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = p.actual()[i].equals(label);
    }
    return pos;
  }

  /**
   * Probability that a random positive scores above a random negative, a tie counting one half: the
   * Mann-Whitney statistic from mid-ranks. Empty if there are no positives or no negatives.
   */
  public static OptionalDouble binaryAuc(double[] scores, boolean[] positive) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // ranks are 1-based; tied scores share their mean rank
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          positiveRankSum += midRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return OptionalDouble.empty();
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return OptionalDouble.of(u / ((double) positives * negatives));
  }

  /** Mean negative log of the probability given to the actual label, clipped by {@link #LOG_LOSS_EPSILON}. */
  public static OptionalDouble logLoss(ClassificationPredictions p) {
    if (p.probabilities() == null || p.size() == 0) {
      return OptionalDouble.empty();
    }
    var index = p.labelIndex();
    double sum = 0;
    for (int i = 0; i < p.size(); i++) {
      double prob = p.probabilities()[i][index.get(p.actual()[i])];
      prob = Math.min(Math.max(prob, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
      sum -= Math.log(prob);
    }
    return OptionalDouble.of(sum / p.size());
  }
}
