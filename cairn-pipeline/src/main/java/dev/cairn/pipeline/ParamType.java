package dev.cairn.pipeline;

import dev.cairn.core.CairnException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The type of a step parameter. Values are held as {@code String}, {@code Long}, {@code Double} or {@code Boolean};
 * {@link #coerce} accepts a value read from YAML or given in Java, {@link #parse} a command-line override's text.
 */
public enum ParamType {
  STRING, INTEGER, NUMBER, BOOLEAN;

  /** The lower-case name written in messages and in YAML-facing docs. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The value as this type, or null when it does not fit: an integer is accepted for a number (widened), nothing
   * else is converted (a quoted "0.1" is a string, not a number), so a mistyped YAML value is refused, not guessed.
   */
  public Object coerce(Object value) {
    return switch (this) {
      case STRING -> value instanceof String s ? s : null;
      case BOOLEAN -> value instanceof Boolean b ? b : null;
      case INTEGER -> {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
          yield ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
          yield big.longValue();
        }
        yield null;
      }
      case NUMBER -> {
        if (value instanceof Double || value instanceof Float || value instanceof Long || value instanceof Integer
            || value instanceof Short || value instanceof Byte || value instanceof BigDecimal
            || value instanceof BigInteger) {
          double d = ((Number) value).doubleValue();
          yield Double.isFinite(d) ? d : null;
        }
        yield null;
      }
    };
  }

  /** Parses an override's text ({@code -P step.param=TEXT}); null when it is not a value of this type. */
  public Object parse(String text) {
    try {
      return switch (this) {
        case STRING -> text;
        case INTEGER -> Long.parseLong(text.trim());
        case NUMBER -> {
          double d = Double.parseDouble(text.trim());
          yield Double.isFinite(d) ? d : null;
        }
        case BOOLEAN -> text.trim().equalsIgnoreCase("true") ? Boolean.TRUE
            : text.trim().equalsIgnoreCase("false") ? Boolean.FALSE : null;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Like {@link #coerce} but fails with a message naming {@code where} and the expected type. */
  Object require(Object value, String where) {
    Object typed = coerce(value);
    if (typed == null) {
      throw CairnException.invalid(where + " is " + describe(value) + "; expected " + expected());
    }
    return typed;
  }

  String expected() {
    return switch (this) {
      case STRING -> "a string";
      case INTEGER -> "an integer";
      case NUMBER -> "a number";
      case BOOLEAN -> "true or false";
    };
  }

  static String describe(Object value) {
    if (value == null) {
      return "empty";
    }
    String kind = value instanceof String ? "string" : value instanceof Boolean ? "boolean"
        : value instanceof Number ? "number" : value instanceof java.util.Map ? "a mapping"
        : value instanceof java.util.List ? "a list" : value.getClass().getSimpleName();
    return value instanceof java.util.Map || value instanceof java.util.List ? kind
        : kind + " '" + value + "'";
  }
}
