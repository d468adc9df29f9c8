package dev.cairn.serving.monitor;

import dev.cairn.data.table.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A logged prediction row seen as a table {@link Row}, so the datasets {@code Profiler} profiles a window with the same
 * parsing and sketches as the training table's reference profile. Reused for every row of a window.
 */
final class MapRow implements Row {
  private final List<String> columns;
  private final int[] starts;
  private final int[] lengths;
  private final boolean[] nulls;
  private final StringBuilder text = new StringBuilder(256);
  private char[] chars = new char[256];

  MapRow(List<String> columns) {
    this.columns = List.copyOf(columns);
    this.starts = new int[columns.size()];
    this.lengths = new int[columns.size()];
    this.nulls = new boolean[columns.size()];
  }

  /**
   * Points this row at {@code values} (column name to number, string, boolean or null); with {@code extra}, the last
   * column takes {@code extraValue} (the prediction) instead of a value from the map.
   */
  MapRow set(Map<String, ?> values, boolean extra, Object extraValue) {
    text.setLength(0);
    int n = columns.size();
    for (int i = 0; i < n; i++) {
      Object v = extra && i == n - 1 ? extraValue : values.get(columns.get(i));
      starts[i] = text.length();
      nulls[i] = v == null;
      if (v != null) {
        append(v);
      }
      lengths[i] = text.length() - starts[i];
    }
    if (chars.length < text.length()) {
      chars = new char[Math.max(text.length(), chars.length * 2)];
    }
    text.getChars(0, text.length(), chars, 0);
    return this;
  }

  private void append(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      text.append(d.longValue());
    } else if (v instanceof Float f && f == Math.rint(f) && Math.abs(f) < 1e15) {
      text.append((long) (float) f);
    } else {
      text.append(v);
    }
  }

  @Override
  public Path file() {
    return null;
  }

  @Override
  public long line() {
    return 0;
  }

  @Override
  public int size() {
    return columns.size();
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public boolean isNull(int i) {
    return nulls[i];
  }

  @Override
  public String get(int i) {
    return nulls[i] ? null : new String(chars, starts[i], lengths[i]);
  }

  @Override
  public char[] chars() {
    return chars;
  }

  @Override
  public int start(int i) {
    return starts[i];
  }

  @Override
  public int length(int i) {
    return lengths[i];
  }
}
