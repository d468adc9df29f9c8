package dev.cairn.data.expect;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.CairnException;
import dev.cairn.data.schema.DataType;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One check of a suite, written in YAML as a flat map:
 *
 * <pre>
 * - kind: not_null
 *   column: age
 *   mostly: 0.99
 *   severity: warn
 * - kind: range
 *   column: age
 *   min: 0
 *   max: 120
 * </pre>
 *
 * @param kind what to check
 * @param column the column, for every kind except row_count
 * @param severity error (default) or warn
 * @param mostly share of values that must pass, for row-level kinds (default 1)
 * @param min lower bound (range, row_count, mean, std, quantile), inclusive; null for none
 * @param max upper bound, inclusive; null for none
 * @param values allowed values (allowed_values)
 * @param pattern regular expression that must match the whole value (regex)
 * @param quantile rank in [0, 1] (quantile)
 * @param type expected type (type)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Expectation(ExpectationKind kind, String column, Severity severity, Double mostly, Double min, Double max,
    List<String> values, String pattern, Double quantile, DataType type) {
  public Expectation {
    if (kind == null) {
      throw CairnException.invalid("expectation has no 'kind'");
    }
    severity = severity == null ? Severity.ERROR : severity;
    if (kind.needsColumn() && (column == null || column.isEmpty())) {
      throw CairnException.invalid("expectation '" + kind.id() + "' needs 'column'");
    }
    if (mostly != null && (!kind.isRowLevel() || mostly <= 0 || mostly > 1)) {
      throw CairnException.invalid("expectation '" + kind.id() + "' has 'mostly' " + mostly
          + (kind.isRowLevel() ? "; it must be in (0, 1]" : "; only row-level kinds take it"));
    }
    if (min != null && max != null && min > max) {
      throw CairnException.invalid("expectation '" + kind.id() + "' has min " + min + " above max " + max);
    }
    switch (kind) {
      case RANGE, ROW_COUNT, MEAN, STD -> {
        if (min == null && max == null) {
          throw CairnException.invalid("expectation '" + kind.id() + "' needs 'min', 'max' or both");
        }
      }
      case QUANTILE -> {
        if (quantile == null || quantile < 0 || quantile > 1) {
          throw CairnException.invalid("expectation 'quantile' needs 'quantile' in [0, 1]; got " + quantile);
        }
        if (min == null && max == null) {
          throw CairnException.invalid("expectation 'quantile' needs 'min', 'max' or both");
        }
      }
      case ALLOWED_VALUES -> {
        if (values == null || values.isEmpty()) {
          throw CairnException.invalid("expectation 'allowed_values' needs a non-empty 'values' list");
        }
      }
      case REGEX -> {
        if (pattern == null) {
          throw CairnException.invalid("expectation 'regex' needs 'pattern'");
        }
        try {
          Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
          throw CairnException.invalid("expectation 'regex' has an invalid 'pattern': " + e.getDescription());
        }
      }
      case TYPE -> {
        if (type == null) {
          throw CairnException.invalid("expectation 'type' needs 'type'");
        }
      }
      default -> { }
    }
    values = values == null ? null : List.copyOf(values);
  }

  public double mostlyOrOne() {
    return mostly == null ? 1.0 : mostly;
  }

  /** An expectation that needs no parameters beyond its column (column_present, not_null, unique). */
  public static Expectation of(ExpectationKind kind, String column) {
    return new Expectation(kind, column, null, null, null, null, null, null, null, null);
  }

  public static Expectation type(String column, DataType type) {
    return new Expectation(ExpectationKind.TYPE, column, null, null, null, null, null, null, null, type);
  }

  public static Expectation range(String column, Double min, Double max) {
    return new Expectation(ExpectationKind.RANGE, column, null, null, min, max, null, null, null, null);
  }

  public static Expectation allowedValues(String column, List<String> values) {
    return new Expectation(ExpectationKind.ALLOWED_VALUES, column, null, null, null, null, values, null, null, null);
  }

  public Expectation withSeverity(Severity s) {
    return new Expectation(kind, column, s, mostly, min, max, values, pattern, quantile, type);
  }

  public Expectation withMostly(double m) {
    return new Expectation(kind, column, severity, m, min, max, values, pattern, quantile, type);
  }

  public Expectation withBounds(Double lo, Double hi) {
    return new Expectation(kind, column, severity, mostly, lo, hi, values, pattern, quantile, type);
  }

  public Expectation withValues(List<String> allowed) {
    return new Expectation(kind, column, severity, mostly, min, max, allowed, pattern, quantile, type);
  }

  public Expectation withPattern(String regex) {
    return new Expectation(kind, column, severity, mostly, min, max, values, regex, quantile, type);
  }

  public Expectation withQuantile(double q) {
    return new Expectation(kind, column, severity, mostly, min, max, values, pattern, q, type);
  }

  public Expectation withType(DataType t) {
    return new Expectation(kind, column, severity, mostly, min, max, values, pattern, quantile, t);
  }
}
