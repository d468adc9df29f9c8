package dev.cairn.data.table;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/** An immutable row: its source file and line, column names and values (null for absent JSON values). */
public record RowRecord(Path file, long line, List<String> columns, List<String> values) {
  public RowRecord {
    columns = List.copyOf(columns);
    values = Collections.unmodifiableList(new java.util.ArrayList<>(values));
  }

  /** The value of the named column, or null when the row has no such column or the value is absent. */
  public String get(String column) {
    int i = columns.indexOf(column);
    return i < 0 ? null : values.get(i);
  }
}
