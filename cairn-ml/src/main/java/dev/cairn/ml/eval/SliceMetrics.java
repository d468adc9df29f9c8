package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics of the rows where slice column {@code column} has value {@code value}. A slice smaller than the
 * minimum size is still reported but has {@code inGap = false}: it does not take part in best/worst gaps.
 */
public record SliceMetrics(String column, String value, long rows, boolean inGap, Map<String, Double> metrics) {
  public SliceMetrics {
    if (column == null || value == null) {
      throw CairnException.invalid("slice column and value are required");
    }
    if (rows < 0) {
      throw CairnException.invalid("slice row count " + rows + " is negative");
    }
    metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
  }
}
