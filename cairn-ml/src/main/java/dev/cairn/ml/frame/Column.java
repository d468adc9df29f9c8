package dev.cairn.ml.frame;

/**
 * One named column of a {@link Frame}. Implementations hold their values in a primitive or String array that is
 * shared, not copied, for speed: treat it as read-only.
 */
public sealed interface Column permits NumericColumn, StringColumn {
  String name();

  ColumnType type();

  int size();

  /** True when row {@code i} has no value (NaN or null). */
  boolean isMissing(int i);

  /** The rows {@code rows} of this column, in that order. */
  Column take(int[] rows);

  /** The value of row {@code i} as a Java object: Double, String, or null when missing. */
  Object value(int i);
}
