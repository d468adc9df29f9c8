package dev.cairn.ml.frame;

/**
 * A categorical (text) column; null marks a missing value.
 *
 * @param name column name
 * @param values one value per row (shared, not copied)
 */
public record StringColumn(String name, String[] values) implements Column {
  public StringColumn {
    Columns.check(name, values);
  }

  @Override
  public ColumnType type() {
    return ColumnType.CATEGORICAL;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean isMissing(int i) {
    return values[i] == null;
  }

  @Override
  public StringColumn take(int[] rows) {
    String[] out = new String[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = values[rows[i]];
    }
    return new StringColumn(name, out);
  }

  @Override
  public Object value(int i) {
    return values[i];
  }
}
