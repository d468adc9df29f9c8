package dev.cairn.data.table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a table as untyped text values, with where it came from. A {@code Row} handed to a
 * {@link RowHandler} or returned by {@link TableReader#next()} is a reused view, valid until the next
 * row is read; call {@link #copy()} to keep it. The char-slice accessors let hot loops (profiling,
 * validation) parse values without allocating a String per cell.
 */
public interface Row {
  /** The file the row was read from. */
  Path file();

  /** The 1-based line on which the row starts (continuation lines of quoted fields are not counted twice). */
  long line();

  /** Number of values; equals {@code columns().size()} for CSV, may be fewer than later rows' for JSON Lines. */
  int size();

  /** Column names; index {@code i} names value {@code i}. */
  List<String> columns();

  /** True when value {@code i} is absent: a JSON null or missing key. An empty CSV field is not null but empty. */
  boolean isNull(int i);

  /** Value {@code i} as text, or null when {@link #isNull(int)}. JSON objects and arrays come back as JSON text. */
  String get(int i);

  /** The shared character buffer holding every value of this row. */
  char[] chars();

  /** Offset of value {@code i} in {@link #chars()}. */
  int start(int i);

  /** Length of value {@code i} in {@link #chars()} (0 for null values). */
  int length(int i);

  /** An immutable snapshot of this row. */
  default RowRecord copy() {
    List<String> values = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      values.add(get(i));
    }
    return new RowRecord(file(), line(), List.copyOf(columns().subList(0, size())), values);
  }
}
