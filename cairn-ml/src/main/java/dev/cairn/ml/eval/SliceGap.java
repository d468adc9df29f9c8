package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;

/**
 * For one slice column and metric: the best and the worst slice (by the metric's direction) among slices of at
 * least the minimum size, and {@code gap = |best - worst|}.
 */
public record SliceGap(String column, String metric, String bestSlice, double best, String worstSlice, double worst,
    double gap) {
  public SliceGap {
    if (column == null || metric == null || bestSlice == null || worstSlice == null) {
      throw CairnException.invalid("slice gap needs column, metric and the best and worst slice");
    }
    if (gap < 0) {
      throw CairnException.invalid("slice gap " + gap + " is negative");
    }
  }
}
