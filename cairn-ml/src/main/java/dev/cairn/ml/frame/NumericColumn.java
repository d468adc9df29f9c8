package dev.cairn.ml.frame;

/**
 * A numeric column; NaN marks a missing value.
 *
 * @param name column name
 * @param values one value per row (shared, not copied)
 */
public record NumericColumn(String name, double[] values) implements Column {
  public NumericColumn {
    Columns.check(name, values);
  }

  @Override
  public ColumnType type() {
    return ColumnType.NUMERIC;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean isMissing(int i) {
    return Double.isNaN(values[i]);
  }

  @Override
  public NumericColumn take(int[] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return new NumericColumn(name, out);
  }

  @Override
  public Object value(int i) {
    return Double.isNaN(values[i]) ? null : values[i];
  }
}
