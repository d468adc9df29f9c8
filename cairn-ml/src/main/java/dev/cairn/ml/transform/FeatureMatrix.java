package dev.cairn.ml.transform;

import dev.cairn.core.CairnException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dense numeric feature matrix, row-major, with one stable name per feature column.
 *
 * @param names feature names, as the fitted transforms produce them
 * @param rows one array of {@code names.size()} values per row (shared, not copied)
 * @param unknownCategories per one-hot column, categories seen here but not in training that were encoded as all
 *     zeros (at most 100 listed per column); empty when there were none
 */
public record FeatureMatrix(List<String> names, double[][] rows, Map<String, Set<String>> unknownCategories) {
  public FeatureMatrix {
    names = List.copyOf(names);
    unknownCategories = unknownCategories == null ? Map.of() : Map.copyOf(unknownCategories);
    if (rows == null) {
      throw CairnException.invalid("feature matrix has no rows array");
    }
    for (double[] row : rows) {
      if (row.length != names.size()) {
        throw CairnException.invalid("feature matrix row has " + row.length + " values for " + names.size() + " names");
      }
    }
  }

  public int rowCount() {
    return rows.length;
  }

  public int featureCount() {
    return names.size();
  }

  /** The value of feature {@code feature} in row {@code row}. */
  public double get(int row, int feature) {
    return rows[row][feature];
  }
}
