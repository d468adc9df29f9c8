package dev.cairn.ml.train;

import dev.cairn.core.CairnException;
import java.util.List;

/**
 * One declared trainer parameter: its name, kind, default and allowed range or choices.
 *
 * @param name parameter name as written in pipeline parameters ({@code l2}, {@code max_depth}...)
 * @param kind the value's kind
 * @param defaultValue the value used when the parameter is not given (Long, Double or String)
 * @param min smallest allowed numeric value (inclusive)
 * @param max largest allowed numeric value (inclusive)
 * @param choices allowed values of a text parameter; empty for numeric ones
 * @param description one line for docs and error messages
 */
public record ParamSpec(String name, Kind kind, Object defaultValue, double min, double max, List<String> choices,
    String description) {

  /** The kinds of parameter values. */
  public enum Kind {
    INTEGER,
    NUMBER,
    CHOICE
  }

  public ParamSpec {
    if (name == null || kind == null || defaultValue == null) {
      throw new IllegalArgumentException("a parameter needs a name, a kind and a default");
    }
    choices = List.copyOf(choices == null ? List.of() : choices);
  }

  static ParamSpec integer(String name, long defaultValue, long min, long max, String description) {
    return new ParamSpec(name, Kind.INTEGER, defaultValue, min, max, List.of(), description);
  }

  static ParamSpec number(String name, double defaultValue, double min, double max, String description) {
    return new ParamSpec(name, Kind.NUMBER, defaultValue, min, max, List.of(), description);
  }

  static ParamSpec choice(String name, String defaultValue, List<String> choices, String description) {
    return new ParamSpec(name, Kind.CHOICE, defaultValue, 0, 0, choices, description);
  }

  /**
   * {@code value} checked and converted to this parameter's Java type (Long, Double or String). Numbers written as
   * text (as command-line overrides are) are accepted when they parse exactly.
   */
  Object coerce(String trainer, Object value) {
    Object converted = switch (kind) {
      case INTEGER -> toLong(value);
      case NUMBER -> toDouble(value);
      case CHOICE -> value instanceof String s && choices.contains(s) ? s : null;
    };
    if (converted == null) {
      throw CairnException.invalid(trainer + " parameter '" + name + "' is " + describe(value) + "; it must be "
          + expectation());
    }
    if (converted instanceof Number n && (n.doubleValue() < min || n.doubleValue() > max)) {
      throw CairnException.invalid(trainer + " parameter '" + name + "' is " + value + "; it must be " + expectation());
    }
    return converted;
  }

  /** What a valid value looks like, for messages and docs. */
  public String expectation() {
    return switch (kind) {
      case INTEGER -> "an integer in [" + (long) min + ", " + (long) max + "]";
      case NUMBER -> "a number in [" + min + ", " + max + "]";
      case CHOICE -> "one of " + choices;
    };
  }

  private static Long toLong(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return ((Number) value).longValue();
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 1e15) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Double toDouble(Object value) {
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        double d = Double.parseDouble(s.trim());
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " '" + value + "'";
  }
}
