package dev.cairn.ml.transform;

import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.Frame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fitted transforms for every input column: turns any frame with those columns into the dense feature matrix the
 * model was trained on. Serialises to and from JSON exactly (it is stored in the model bundle), so training and
 * serving run the same code on the same parameters.
 *
 * @param columns the fitted chains, in feature order
 */
public record FittedFeatures(List<FittedColumn> columns) {
  public FittedFeatures {
    columns = List.copyOf(columns == null ? List.of() : columns);
    Set<String> names = new HashSet<>();
    for (FittedColumn c : columns) {
      for (String name : c.featureNames()) {
        if (!names.add(name)) {
          throw CairnException.invalid("feature name '" + name + "' is produced twice (column '" + c.column()
              + "'); rename a column or category so feature names are unique");
        }
      }
    }
  }

  /** Every feature name, in matrix order. */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>();
    for (FittedColumn c : columns) {
      names.addAll(c.featureNames());
    }
    return names;
  }

  /** The input columns these features read, with their types, in order. */
  public Map<String, ColumnType> inputSchema() {
    Map<String, ColumnType> schema = new LinkedHashMap<>();
    for (FittedColumn c : columns) {
      schema.put(c.column(), c.type());
    }
    return schema;
  }

  /** Transforms {@code frame} (which must hold every input column; others are ignored) into features. */
  public FeatureMatrix apply(Frame frame) {
    int width = 0;
    for (FittedColumn c : columns) {
      width += c.width();
    }
    double[][] rows = new double[frame.rowCount()][width];
    Map<String, Set<String>> unknowns = new TreeMap<>();
    int offset = 0;
    for (FittedColumn c : columns) {
      c.apply(frame.column(c.column()), rows, offset, unknowns);
      offset += c.width();
    }
    return new FeatureMatrix(featureNames(), rows, unknowns);
  }
}
