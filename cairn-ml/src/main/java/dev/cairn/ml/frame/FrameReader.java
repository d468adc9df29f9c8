package dev.cairn.ml.frame;

import dev.cairn.core.CairnException;
import dev.cairn.data.schema.Cells;
import dev.cairn.data.table.ReadOptions;
import dev.cairn.data.table.Row;
import dev.cairn.data.table.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a table file into a {@link Frame} in two streaming passes over the datasets module's reader: the first
 * decides each column's type without allocating per cell, the second fills exactly-sized arrays. Two passes cost
 * less memory than keeping every cell's text until the types are known.
 */
final class FrameReader {
  private static final char[][] NULLS = Cells.tokens(Cells.DEFAULT_NULL_TOKENS);

  private FrameReader() {}

  static Frame read(Path file, Map<String, ColumnType> declared) {
    ReadOptions options = ReadOptions.forPath(file);
    List<String> names;
    boolean[] numeric;
    int rows = 0;
    try (TableReader reader = TableReader.open(file, options)) {
      names = new ArrayList<>(reader.columns());
      numeric = new boolean[names.size()];
      Arrays.fill(numeric, true);
      for (Row row = reader.next(); row != null; row = reader.next()) {
        if (row.columns().size() > names.size()) { // JSON Lines may add keys as it goes
          int known = names.size();
          names = new ArrayList<>(row.columns());
          numeric = Arrays.copyOf(numeric, names.size());
          Arrays.fill(numeric, known, names.size(), true);
        }
        for (int i = 0; i < row.size(); i++) {
          if (numeric[i] && !isMissing(row, i) && Double.isNaN(Cells.parseNumber(row.chars(), row.start(i), row.length(i)))) {
            numeric[i] = false;
          }
        }
        rows++;
      }
    }
    for (String name : declared.keySet()) {
      if (!names.contains(name)) {
        throw CairnException.invalid("declared column '" + name + "' is not in '" + file + "'; its columns are " + names);
      }
    }
    for (int i = 0; i < names.size(); i++) {
      ColumnType type = declared.get(names.get(i));
      if (type != null) {
        numeric[i] = type == ColumnType.NUMERIC;
      }
    }
    return fill(file, options, names, numeric, rows);
  }

  private static Frame fill(Path file, ReadOptions options, List<String> names, boolean[] numeric, int rows) {
    int width = names.size();
    double[][] numbers = new double[width][];
    String[][] strings = new String[width][];
    List<Map<String, String>> interned = new ArrayList<>(width);
    for (int c = 0; c < width; c++) {
      if (numeric[c]) {
        numbers[c] = new double[rows];
      } else {
        strings[c] = new String[rows];
      }
      interned.add(new HashMap<>());
    }
    try (TableReader reader = TableReader.open(file, options)) {
      int r = 0;
      for (Row row = reader.next(); row != null && r < rows; row = reader.next(), r++) {
        for (int c = 0; c < width; c++) {
          boolean missing = c >= row.size() || isMissing(row, c);
          if (numeric[c]) {
            double v = missing ? Double.NaN : Cells.parseNumber(row.chars(), row.start(c), row.length(c));
            if (!missing && Double.isNaN(v)) {
              throw CairnException.invalid("'" + file + "' line " + row.line() + " column '" + names.get(c)
                  + "': '" + row.get(c) + "' is not a number, but the column is declared numeric");
            }
            numbers[c][r] = v;
          } else if (!missing) {
            // categories repeat: one String per distinct value keeps 10^6-row frames small
            strings[c][r] = interned.get(c).computeIfAbsent(row.get(c), s -> s);
          }
        }
      }
    }
    List<Column> columns = new ArrayList<>(width);
    for (int c = 0; c < width; c++) {
      columns.add(numeric[c] ? new NumericColumn(names.get(c), numbers[c]) : new StringColumn(names.get(c), strings[c]));
    }
    return new Frame(columns);
  }

  private static boolean isMissing(Row row, int i) {
    return row.isNull(i) || Cells.isNullToken(NULLS, row.chars(), row.start(i), row.length(i));
  }
}
