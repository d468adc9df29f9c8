package dev.cairn.ml.transform;

import java.util.Arrays;

/** The small statistics the transforms fit; inputs hold no NaN. */
final class Stats {
  private Stats() {}

  /** Mean by Kahan summation, so long columns do not drift with their order. */
  static double mean(double[] values) {
    double sum = 0;
    double compensation = 0;
    for (double v : values) {
      double y = v - compensation;
      double t = sum + y;
      compensation = (t - sum) - y;
      sum = t;
    }
    return sum / values.length;
  }

  /** The q-quantile of ascending {@code sorted} by linear interpolation between order statistics (numpy's default). */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double fraction = position - lower;
    return fraction == 0 ? sorted[lower] : sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
  }

  /** The most frequent value; ties go to the smallest. */
  static double mostFrequent(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double best = sorted[0];
    int bestRun = 0;
    for (int i = 0; i < sorted.length; ) {
      int j = i;
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      if (j - i > bestRun) {
        best = sorted[i];
        bestRun = j - i;
      }
      i = j;
    }
    return best;
  }
}
