package dev.cairn.ml.frame;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory table of named, typed columns of equal length: the input of splits, transforms and trainers.
 * Immutable in shape; column arrays are shared between frames derived by {@link #select} (not by {@link #take},
 * which copies the chosen rows), so never write into them.
 */
public final class Frame {
  private final List<Column> columns;
  private final Map<String, Column> byName;
  private final int rows;

  /** A frame over {@code columns}; names must be unique and lengths equal. */
  public Frame(List<? extends Column> columns) {
    if (columns == null) {
      throw CairnException.invalid("frame 'columns' is missing");
    }
    this.columns = List.copyOf(columns);
    this.byName = new HashMap<>();
    int n = this.columns.isEmpty() ? 0 : this.columns.get(0).size();
    for (Column c : this.columns) {
      if (byName.put(c.name(), c) != null) {
        throw CairnException.invalid("frame column '" + c.name() + "' appears twice; column names must be unique");
      }
      if (c.size() != n) {
        throw CairnException.invalid("frame column '" + c.name() + "' has " + c.size() + " rows but column '"
            + this.columns.get(0).name() + "' has " + n + "; all columns must have the same length");
      }
    }
    this.rows = n;
  }

  /**
   * Reads a CSV/TSV/JSON Lines file (header row, UTF-8), inferring each column's type: numeric when every
   * non-missing cell is a number, categorical otherwise. Missing cells are the usual null tokens (empty, NA,
   * null, NaN, None...).
   */
  public static Frame read(Path file) {
    return FrameReader.read(file, Map.of());
  }

  /** Like {@link #read(Path)}, with declared types for some columns (a non-number in a numeric column fails). */
  public static Frame read(Path file, Map<String, ColumnType> declaredTypes) {
    return FrameReader.read(file, declaredTypes);
  }

  /**
   * Builds a frame from rows given as maps (e.g. a JSON prediction request), typed by {@code schema} (column name to
   * type, in order). A missing key or null is a missing value; extra keys are ignored. Numeric columns take numbers;
   * categorical columns take strings, booleans and integral numbers (as their text).
   */
  public static Frame fromRows(List<? extends Map<String, ?>> rows, Map<String, ColumnType> schema) {
    List<Column> out = new ArrayList<>(schema.size());
    for (Map.Entry<String, ColumnType> e : schema.entrySet()) {
      String name = e.getKey();
      if (e.getValue() == ColumnType.NUMERIC) {
        double[] values = new double[rows.size()];
        for (int i = 0; i < values.length; i++) {
          Object v = rows.get(i).get(name);
          if (v == null) {
            values[i] = Double.NaN;
          } else if (v instanceof Number num) {
            values[i] = num.doubleValue();
          } else {
            throw CairnException.invalid("row " + i + " column '" + name + "' must be a number, got "
                + describe(v));
          }
        }
        out.add(new NumericColumn(name, values));
      } else {
        String[] values = new String[rows.size()];
        for (int i = 0; i < values.length; i++) {
          Object v = rows.get(i).get(name);
          if (v == null || v instanceof String) {
            values[i] = (String) v;
          } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) {
            values[i] = v.toString();
          } else {
            throw CairnException.invalid("row " + i + " column '" + name + "' must be a string, got "
                + describe(v));
          }
        }
        out.add(new StringColumn(name, values));
      }
    }
    return new Frame(out);
  }

  private static String describe(Object v) {
    String text = String.valueOf(v);
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " '"
        + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
  }

  public int rowCount() {
    return rows;
  }

  public List<Column> columns() {
    return columns;
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** Column name to type, in column order. */
  public Map<String, ColumnType> schema() {
    Map<String, ColumnType> schema = new LinkedHashMap<>();
    for (Column c : columns) {
      schema.put(c.name(), c.type());
    }
    return schema;
  }

  public boolean hasColumn(String name) {
    return byName.containsKey(name);
  }

  /** The column called {@code name}; fails naming the known columns when there is none. */
  public Column column(String name) {
    Column c = byName.get(name);
    if (c == null) {
      throw CairnException.invalid("frame has no column '" + name + "'; its columns are " + columnNames());
    }
    return c;
  }

  /** The values of numeric column {@code name} (shared array). */
  public double[] numeric(String name) {
    if (column(name) instanceof NumericColumn n) {
      return n.values();
    }
    throw CairnException.invalid("column '" + name + "' is categorical, not numeric");
  }

  /** The values of categorical column {@code name} (shared array). */
  public String[] strings(String name) {
    if (column(name) instanceof StringColumn s) {
      return s.values();
    }
    throw CairnException.invalid("column '" + name + "' is numeric, not categorical");
  }

  /** A frame of the named columns, in the given order (arrays shared). */
  public Frame select(Collection<String> names) {
    return new Frame(names.stream().map(this::column).toList());
  }

  /** This frame without the named columns (arrays shared). */
  public Frame drop(Collection<String> names) {
    for (String name : names) {
      column(name);
    }
    return new Frame(columns.stream().filter(c -> !names.contains(c.name())).toList());
  }

  /** A new frame of rows {@code rowIndexes}, in that order (indexes may repeat). */
  public Frame take(int[] rowIndexes) {
    for (int r : rowIndexes) {
      if (r < 0 || r >= rows) {
        throw CairnException.invalid("row index " + r + " is outside the frame's " + rows + " rows");
      }
    }
    return new Frame(columns.stream().map(c -> c.take(rowIndexes)).toList());
  }

  /** Row {@code i} as a map of column name to value (Double, String or null); for tests and small outputs. */
  public Map<String, Object> row(int i) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Column c : columns) {
      row.put(c.name(), c.value(i));
    }
    return row;
  }

  @Override
  public String toString() {
    return "Frame(" + rows + " rows, " + schema() + ")";
  }
}
