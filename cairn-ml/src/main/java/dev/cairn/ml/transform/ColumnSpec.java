package dev.cairn.ml.transform;

import dev.cairn.core.CairnException;
import java.util.List;

/**
 * The transform chain of one input column, applied in order. A numeric column with no steps passes through as one
 * feature; a categorical column must end with {@code one_hot}.
 *
 * @param column the input column's name
 * @param steps the transforms, in order (may be empty)
 */
public record ColumnSpec(String column, List<TransformSpec> steps) {
  public ColumnSpec {
    if (column == null || column.isEmpty()) {
      throw CairnException.invalid("feature 'column' is missing or empty");
    }
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  public static ColumnSpec of(String column, TransformSpec... steps) {
    return new ColumnSpec(column, List.of(steps));
  }
}
