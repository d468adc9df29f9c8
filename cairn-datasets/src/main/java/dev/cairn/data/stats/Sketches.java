package dev.cairn.data.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;

/** Read access to the sketches inside a {@link ColumnProfile}, for drift and validation code. */
public final class Sketches {
  /** Key of the bucket that collects values the frequent-items sketch no longer tracks individually. */
  public static final String OTHER = "__other__";

  private Sketches() {}

  /** The column's numeric values as a distribution (empty when there were none). */
  public static NumericDistribution quantiles(ColumnProfile column) {
    return ColumnAccumulator.distributionOf(column);
  }

  /**
   * Counts of each non-missing value: exact while the column had at most 64 distinct numbers and few enough
   * distinct strings for the frequent-items map; otherwise the tracked values' lower-bound counts plus an
   * {@link #OTHER} bucket holding the rest, so counts always sum to {@code count}.
   */
  public static Map<String, Long> frequencies(ColumnProfile column) {
    Map<String, Long> out = new LinkedHashMap<>();
    long total = 0;
    ItemsSketch<String> items = ColumnAccumulator.frequentOf(column);
    if (!items.isEmpty()) {
      for (ItemsSketch.Row<String> r : items.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
        out.merge(r.getItem(), r.getLowerBound(), Long::sum);
        total += r.getLowerBound();
      }
    }
    if (column.state().numbers() != null) {
      for (ColumnProfile.NumberCount n : column.state().numbers()) {
        out.merge(ColumnAccumulator.formatNumber(n.value()), n.count(), Long::sum);
        total += n.count();
      }
    }
    if (total < column.count()) {
      out.merge(OTHER, column.count() - total, Long::sum);
    }
    return out;
  }

  /** True when {@link #frequencies} is exact for this column. */
  public static boolean frequenciesExact(ColumnProfile column) {
    ItemsSketch<String> items = ColumnAccumulator.frequentOf(column);
    boolean numbersExact = column.state().numbers() != null || column.numericCount() == 0;
    return items.getMaximumError() == 0 && numbersExact;
  }
}
