package dev.cairn.ml.gate;

import dev.cairn.core.CairnException;
import dev.cairn.ml.eval.Metric;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code METRIC OP THRESHOLD} where OP is one of {@code >= <= > <} and THRESHOLD is a number or
 * {@code baseline}, optionally followed by {@code + N} or {@code - N}, and N optionally by {@code %} (relative
 * change). Errors quote the expression and give the 1-based character position of the problem.
 */
final class GateExpressionParser {
  static final String SLICE_GAP_PREFIX = "slice_gap.";

  private final String text;
  private int pos;

  private GateExpressionParser(String text) {
    this.text = text;
  }

  static GateCheck parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw CairnException.invalid("gate check is empty; write e.g. 'accuracy >= 0.8'");
    }
    return new GateExpressionParser(expression).check();
  }

  /** Every name a check may use on its left side. */
  static List<String> availableMetrics() {
    List<String> names = new ArrayList<>();
    for (Metric m : Metric.values()) {
      names.add(m.key());
    }
    for (Metric m : Metric.values()) {
      names.add(SLICE_GAP_PREFIX + m.key());
    }
    return names;
  }

  private GateCheck check() {
    skipSpaces();
    int metricAt = pos;
    String metric = word();
    if (metric.isEmpty()) {
      throw error(metricAt, "expected a metric name");
    }
    if (!availableMetrics().contains(metric)) {
      throw error(metricAt, "unknown metric '" + metric + "'; available: " + String.join(", ", availableMetrics()));
    }
    skipSpaces();
    int opAt = pos;
    Comparison comparison = comparison();
    if (comparison == null) {
      throw error(opAt, "expected one of >=, <=, >, < after the metric name");
    }
    skipSpaces();
    int rightAt = pos;
    Threshold threshold;
    if (text.startsWith("baseline", pos)) {
      pos += "baseline".length();
      skipSpaces();
      if (pos == text.length()) {
        threshold = new Threshold.Change(0, false);
      } else {
        char sign = text.charAt(pos);
        if (sign != '+' && sign != '-') {
          throw error(pos, "expected + or - after 'baseline'");
        }
        pos++;
        skipSpaces();
        double amount = number();
        skipSpaces();
        boolean relative = pos < text.length() && text.charAt(pos) == '%';
        if (relative) {
          pos++;
        }
        threshold = new Threshold.Change(sign == '-' ? -amount : amount, relative);
      }
    } else {
      if (pos == text.length()) {
        throw error(rightAt, "expected a number or 'baseline' after " + comparison.symbol());
      }
      threshold = new Threshold.Value(number());
    }
    skipSpaces();
    if (pos < text.length()) {
      throw error(pos, "unexpected '" + text.substring(pos) + "' at the end");
    }
    return new GateCheck(text.strip(), metric, comparison, threshold);
  }

  private String word() {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_' || text.charAt(pos) == '.')) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private Comparison comparison() {
    for (Comparison c : List.of(Comparison.AT_LEAST, Comparison.AT_MOST, Comparison.ABOVE, Comparison.BELOW)) {
      if (text.startsWith(c.symbol(), pos)) {
        pos += c.symbol().length();
        if (pos < text.length() && "<>=!".indexOf(text.charAt(pos)) >= 0) {
          throw error(pos - c.symbol().length(), "unknown operator '" + c.symbol() + text.charAt(pos)
              + "'; use >=, <=, > or <");
        }
        return c;
      }
    }
    return null;
  }

  private double number() {
    int start = pos;
    if (pos < text.length() && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
      pos++;
    }
    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || ".eE".indexOf(text.charAt(pos)) >= 0
        || ((text.charAt(pos) == '-' || text.charAt(pos) == '+') && "eE".indexOf(text.charAt(pos - 1)) >= 0))) {
      pos++;
    }
    String literal = text.substring(start, pos);
    try {
      double value = Double.parseDouble(literal);
      if (literal.isEmpty() || !Double.isFinite(value)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      int end = start;
      while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      throw error(start, "expected a number, found '" + (end > start ? text.substring(start, end) : "") + "'");
    }
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private CairnException error(int at, String problem) {
    return CairnException.invalid("gate check '" + text + "' at position " + (at + 1) + ": " + problem);
  }
}
