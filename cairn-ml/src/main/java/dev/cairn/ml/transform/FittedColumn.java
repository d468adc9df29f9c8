package dev.cairn.ml.transform;

import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.Column;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One input column's fitted transform chain and the features it produces.
 *
 * @param column the input column
 * @param type the input column's type
 * @param steps fitted steps, in order
 */
public record FittedColumn(String column, ColumnType type, List<FittedTransform> steps) {
  private static final int MAX_UNKNOWN_LISTED = 100;

  public FittedColumn {
    if (column == null || column.isEmpty() || type == null) {
      throw CairnException.invalid("fitted column needs a 'column' name and a 'type'");
    }
    steps = List.copyOf(steps == null ? List.of() : steps);
    boolean numeric = type == ColumnType.NUMERIC;
    for (int i = 0; i < steps.size(); i++) {
      FittedTransform step = steps.get(i);
      boolean last = i == steps.size() - 1;
      boolean ok;
      if (step instanceof FittedTransform.Impute impute) {
        ok = numeric ? impute.number() != null : impute.category() != null;
      } else if (step instanceof FittedTransform.Standardise) {
        ok = numeric;
      } else if (step instanceof FittedTransform.OneHot) {
        ok = !numeric && last;
      } else {
        ok = numeric && last;
      }
      if (!ok) {
        throw CairnException.invalid("fitted column '" + column + "' (" + type.id() + ") cannot have step " + (i + 1)
            + " " + step + " there");
      }
    }
    if (!numeric && (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof FittedTransform.OneHot))) {
      throw CairnException.invalid("column '" + column + "' is categorical; its transforms must end with one_hot");
    }
  }

  private FittedTransform last() {
    return steps.isEmpty() ? null : steps.get(steps.size() - 1);
  }

  /** The names of the features this column becomes, in matrix order. */
  public List<String> featureNames() {
    if (last() instanceof FittedTransform.OneHot oneHot) {
      return oneHot.categories().stream().map(c -> column + "=" + c).toList();
    }
    if (last() instanceof FittedTransform.Bucketise b) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i <= b.edges().size(); i++) {
        names.add(column + "_bucket_" + i);
      }
      return names;
    }
    return List.of(column);
  }

  int width() {
    return featureNames().size();
  }

  /** Writes this column's features for every row into {@code out} at {@code offset}. */
  void apply(Column input, double[][] out, int offset, Map<String, Set<String>> unknowns) {
    if (input.type() != type) {
      throw CairnException.invalid("column '" + column + "' is " + input.type().id() + " but the features were fitted on a "
          + type.id() + " column");
    }
    if (input instanceof NumericColumn n) {
      applyNumbers(n.values(), out, offset);
    } else {
      applyStrings(((StringColumn) input).values(), out, offset, unknowns);
    }
  }

  private void applyNumbers(double[] values, double[][] out, int offset) {
    double[] edges = last() instanceof FittedTransform.Bucketise b
        ? b.edges().stream().mapToDouble(Double::doubleValue).toArray() : null;
    for (int r = 0; r < values.length; r++) {
      double v = values[r];
      for (FittedTransform step : steps) {
        if (step instanceof FittedTransform.Impute impute) {
          v = Double.isNaN(v) ? impute.number() : v;
        } else if (step instanceof FittedTransform.Standardise s) {
          v = (v - s.mean()) / s.scale();
        }
      }
      if (edges == null) {
        out[r][offset] = v;
      } else if (!Double.isNaN(v)) {
        int found = Arrays.binarySearch(edges, v);
        // bucket i holds [edge i-1, edge i): a value equal to an edge belongs to the bucket above it
        int bucket = found >= 0 ? found + 1 : -found - 1;
        out[r][offset + bucket] = 1.0;
      }
    }
  }

  private void applyStrings(String[] values, double[][] out, int offset, Map<String, Set<String>> unknowns) {
    FittedTransform.OneHot oneHot = (FittedTransform.OneHot) last();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < oneHot.categories().size(); i++) {
      index.put(oneHot.categories().get(i), i);
    }
    String fill = steps.get(0) instanceof FittedTransform.Impute impute ? impute.category() : null;
    for (int r = 0; r < values.length; r++) {
      String s = values[r] == null ? fill : values[r];
      if (s == null) {
        continue;
      }
      Integer i = index.get(s);
      if (i != null) {
        out[r][offset + i] = 1.0;
      } else if (oneHot.unknown() == UnknownCategory.ERROR) {
        throw CairnException.invalid("row " + r + " column '" + column + "' has category '" + s
            + "', which was not seen in training; known categories are "
            + (oneHot.categories().size() <= 20 ? oneHot.categories() : oneHot.categories().subList(0, 20) + "..."));
      } else {
        Set<String> seen = unknowns.computeIfAbsent(column, k -> new TreeSet<>());
        if (seen.size() < MAX_UNKNOWN_LISTED) {
          seen.add(s);
        }
      }
    }
  }
}
