package dev.cairn.data.expect;

import dev.cairn.core.CairnException;
import dev.cairn.data.expect.ValidationReport.FailingRow;
import dev.cairn.data.expect.ValidationReport.Result;
import dev.cairn.data.schema.Cells;
import dev.cairn.data.schema.DataType;
import dev.cairn.data.stats.LongHashSet;
import dev.cairn.data.stats.QuantileSketch;
import dev.cairn.data.table.ReadOptions;
import dev.cairn.data.table.Row;
import dev.cairn.data.table.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a table against an {@link ExpectationSuite} in one streaming pass. Row-level failures keep up to
 * {@code maxExamples} failing rows with file, line and column. Uniqueness is exact up to 64-bit hash
 * collisions (8 bytes per distinct value held in memory); quantile bounds use a
 * {@link QuantileSketch} (within 0.05% of the value).
 */
public final class Validator {
  private final ExpectationSuite suite;
  private final int maxExamples;
  private final char[][] nullTokens;

  public Validator(ExpectationSuite suite) {
    this(suite, 5, Cells.DEFAULT_NULL_TOKENS);
  }

  public Validator(ExpectationSuite suite, int maxExamples, List<String> nullTokens) {
    if (maxExamples < 0) {
      throw CairnException.invalid("validator 'maxExamples' is " + maxExamples + "; it must be at least 0");
    }
    this.suite = suite;
    this.maxExamples = maxExamples;
    this.nullTokens = Cells.tokens(nullTokens);
  }

  public ValidationReport validate(Path file) {
    return validate(file, ReadOptions.forPath(file));
  }

  public ValidationReport validate(Path file, ReadOptions options) {
    return validate(file, options, file);
  }

  /** Validates {@code file}, naming it {@code shownAs} in the report and in errors. */
  public ValidationReport validate(Path file, ReadOptions options, Path shownAs) {
    try (TableReader reader = TableReader.open(file, options, shownAs)) {
      return validate(reader);
    }
  }

  public ValidationReport validate(TableReader reader) {
    List<Check> checks = new ArrayList<>();
    for (Expectation e : suite.expectations()) {
      checks.add(new Check(e));
    }
    long rows = 0;
    for (Row row = reader.next(); row != null; row = reader.next()) {
      rows++;
      for (Check c : checks) {
        c.accept(row);
      }
    }
    List<String> columns = reader.columns();
    List<Result> results = new ArrayList<>();
    for (Check c : checks) {
      results.add(c.result(rows, columns));
    }
    boolean success = results.stream().noneMatch(r -> !r.passed() && r.expectation().severity() == Severity.ERROR);
    return new ValidationReport(suite.name(), reader.file().toString(), rows, success, results);
  }

  /** Running state of one expectation. */
  private final class Check {
    final Expectation e;
    final Matcher matcher;
    final Set<String> allowed;
    int column = -1;
    int columnsSeen = -1;
    long elements;
    long unexpected;
    final List<FailingRow> examples = new ArrayList<>();
    // numeric aggregates
    long n;
    double mean;
    double m2;
    final QuantileSketch quantiles;
    final LongHashSet seen;

    Check(Expectation e) {
      this.e = e;
      this.matcher = e.kind() == ExpectationKind.REGEX ? Pattern.compile(e.pattern()).matcher("") : null;
      this.allowed = e.kind() == ExpectationKind.ALLOWED_VALUES ? new HashSet<>(e.values()) : null;
      this.quantiles = e.kind() == ExpectationKind.QUANTILE ? new QuantileSketch(QuantileSketch.DEFAULT_BUCKETS) : null;
      this.seen = e.kind() == ExpectationKind.UNIQUE ? new LongHashSet() : null;
    }

    void accept(Row row) {
      ExpectationKind kind = e.kind();
      if (kind == ExpectationKind.ROW_COUNT || kind == ExpectationKind.COLUMN_PRESENT) {
        return;
      }
      if (columnsSeen != row.columns().size()) {
        columnsSeen = row.columns().size();
        column = row.columns().indexOf(e.column());
      }
      if (column < 0) {
        return;
      }
      boolean missing = column >= row.size() || row.isNull(column)
          || (row.length(column) <= 4 && Cells.isNullToken(nullTokens, row.chars(), row.start(column), row.length(column)));
      if (kind == ExpectationKind.NOT_NULL) {
        elements++;
        if (missing) {
          fail(row, null);
        }
        return;
      }
      if (missing) {
        return;
      }
      char[] b = row.chars();
      int off = row.start(column);
      int len = row.length(column);
      switch (kind) {
        case TYPE -> {
          elements++;
          if (!fitsType(b, off, len, e.type())) {
            fail(row, row.get(column));
          }
        }
        case RANGE -> {
          elements++;
          double v = Cells.parseNumber(b, off, len);
          if (v != v || (e.min() != null && v < e.min()) || (e.max() != null && v > e.max())) {
            fail(row, row.get(column));
          }
        }
        case ALLOWED_VALUES -> {
          elements++;
          String value = row.get(column);
          if (!allowed.contains(value)) {
            fail(row, value);
          }
        }
        case REGEX -> {
          elements++;
          String value = row.get(column);
          if (!matcher.reset(value).matches()) {
            fail(row, value);
          }
        }
        case UNIQUE -> {
          elements++;
          long h = Cells.hash(b, off, len);
          if (!seen.add(h)) {
            fail(row, row.get(column));
          }
        }
        case MEAN, STD, QUANTILE -> {
          double v = Cells.parseNumber(b, off, len);
          if (v == v) {
            n++;
            double d = v - mean;
            mean += d / n;
            m2 += d * (v - mean);
            if (quantiles != null) {
              quantiles.update(v);
            }
          }
        }
        default -> { }
      }
    }

    private void fail(Row row, String value) {
      unexpected++;
      if (examples.size() < maxExamples) {
        examples.add(new FailingRow(row.file().toString(), row.line(), e.column(), column + 1, value));
      }
    }

    Result result(long rows, List<String> columns) {
      ExpectationKind kind = e.kind();
      if (kind == ExpectationKind.ROW_COUNT) {
        return bounded(rows, "row count " + rows);
      }
      boolean present = columns.contains(e.column());
      if (kind == ExpectationKind.COLUMN_PRESENT || !present) {
        return new Result(e, present, present ? "column present" : "column '" + e.column() + "' is missing; columns are "
            + columns, null, null, null, null);
      }
      if (kind.isRowLevel()) {
        double passedShare = elements == 0 ? 1.0 : 1.0 - (double) unexpected / elements;
        boolean passed = passedShare >= e.mostlyOrOne();
        String observed = String.format(Locale.ROOT, "%d of %d values failed (%.4f passed, %.4f required)", unexpected,
            elements, passedShare, e.mostlyOrOne());
        return new Result(e, passed, observed, passedShare, elements, unexpected, examples);
      }
      if (n == 0) {
        return new Result(e, false, "no numeric values", null, 0L, null, null);
      }
      return switch (kind) {
        case MEAN -> bounded(mean, "mean " + mean);
        case STD -> {
          double std = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
          yield bounded(std, "std " + std);
        }
        case QUANTILE -> {
          double q = quantiles.toDistribution().quantile(e.quantile());
          yield bounded(q, "quantile " + e.quantile() + " = " + q);
        }
        default -> throw new IllegalStateException(kind.id());
      };
    }

    private Result bounded(double value, String observed) {
      boolean passed = (e.min() == null || value >= e.min()) && (e.max() == null || value <= e.max());
      return new Result(e, passed, observed + (passed ? "" : "; allowed [" + (e.min() == null ? "-inf" : e.min()) + ", "
          + (e.max() == null ? "inf" : e.max()) + "]"), value, null, null, null);
    }
  }

  static boolean fitsType(char[] b, int off, int len, DataType type) {
    return switch (type) {
      case INTEGER -> {
        double v = Cells.parseNumber(b, off, len);
        yield v == v && Cells.isIntegerSyntax(b, off, len);
      }
      case FLOAT -> {
        double v = Cells.parseNumber(b, off, len);
        yield v == v;
      }
      case BOOLEAN -> Cells.parseBoolean(b, off, len) >= 0;
      case TIMESTAMP -> Cells.parseTimestampMillis(b, off, len) != Cells.NOT_A_TIMESTAMP;
      case CATEGORICAL, TEXT, UNKNOWN -> true;
    };
  }
}
