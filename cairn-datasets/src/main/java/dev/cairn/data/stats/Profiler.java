package dev.cairn.data.stats;

import dev.cairn.data.schema.Schema;
import dev.cairn.data.table.ReadOptions;
import dev.cairn.data.table.Row;
import dev.cairn.data.table.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes a {@link Profile} in one streaming pass over a table, in memory independent of the row count. With
 * {@code threads = 2} the reading thread hands batches of rows to a second thread that updates the sketches.
 */
public final class Profiler {
  private final ProfileOptions options;
  private final List<ColumnAccumulator> columns = new ArrayList<>();
  private long rows;

  public Profiler(ProfileOptions options) {
    this.options = options;
  }

  public static Profile profile(Path file) {
    return profile(file, ReadOptions.forPath(file), ProfileOptions.DEFAULT);
  }

  public static Profile profile(Path file, ReadOptions read, ProfileOptions options) {
    try (TableReader reader = TableReader.open(file, read)) {
      return profile(reader, options);
    }
  }

  public static Profile profile(TableReader reader, ProfileOptions options) {
    if (options.threads() == 2) {
      return PipelinedProfiler.profile(reader, options);
    }
    Profiler p = new Profiler(options);
    for (Row row = reader.next(); row != null; row = reader.next()) {
      p.accept(row);
    }
    p.ensureColumns(reader.columns());
    return p.finish();
  }

  /** Adds one row; columns first seen in this row count as missing in earlier rows. */
  public void accept(Row row) {
    int width = row.size();
    if (width > columns.size()) {
      ensureColumns(row.columns());
    }
    char[] chars = row.chars();
    for (int i = 0; i < width; i++) {
      ColumnAccumulator c = columns.get(i);
      if (row.isNull(i)) {
        c.acceptMissing();
      } else {
        c.accept(chars, row.start(i), row.length(i));
      }
    }
    for (int i = width; i < columns.size(); i++) {
      columns.get(i).acceptMissing();
    }
    rows++;
  }

  /**
   * Adds one row of in-memory values, {@code values[i]} for {@code columns.get(i)} (the same columns on every call):
   * numbers go to the sketches as they are, with no text in between (integral types count as integers, the others as
   * floats); other values by their text; null is missing. For monitors that profile logged predictions.
   */
  public void accept(List<String> columns, Object[] values) {
    if (columns.size() > this.columns.size()) {
      ensureColumns(columns);
    }
    for (int i = 0; i < values.length; i++) {
      ColumnAccumulator c = this.columns.get(i);
      Object v = values[i];
      if (v == null) {
        c.acceptMissing();
      } else if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
        c.acceptValue(n.doubleValue(), !(v instanceof Double || v instanceof Float
            || v instanceof java.math.BigDecimal));
      } else { // NaN and infinities too, so they count as text exactly as when read from a file
        char[] text = v.toString().toCharArray();
        c.accept(text, 0, text.length);
      }
    }
    for (int i = values.length; i < this.columns.size(); i++) {
      this.columns.get(i).acceptMissing();
    }
    rows++;
  }

  void acceptCells(char[] chars, int[] starts, int[] lengths, boolean[] nulls, int from, int width) {
    for (int i = 0; i < width; i++) {
      ColumnAccumulator c = columns.get(i);
      if (nulls[from + i]) {
        c.acceptMissing();
      } else {
        c.accept(chars, starts[from + i], lengths[from + i]);
      }
    }
    for (int i = width; i < columns.size(); i++) {
      columns.get(i).acceptMissing();
    }
    rows++;
  }

  void ensureColumns(List<String> names) {
    for (int i = columns.size(); i < names.size(); i++) {
      ColumnAccumulator c = new ColumnAccumulator(names.get(i), options);
      c.missing = rows;
      columns.add(c);
    }
  }

  /** The profile of the rows accepted so far. */
  public Profile finish() {
    return finish(rows, columns, options);
  }

  static Profile finish(long rows, List<ColumnAccumulator> columns, ProfileOptions options) {
    List<ColumnProfile> profiles = new ArrayList<>();
    for (ColumnAccumulator c : columns) {
      profiles.add(c.toProfile());
    }
    Schema inferred = options.inference().infer(columns.stream().map(ColumnAccumulator::evidence).toList());
    Schema declared = options.declaredSchema();
    return declared == null ? new Profile(rows, profiles, inferred, false)
        : new Profile(rows, profiles, declared.overriding(inferred), true);
  }
}
