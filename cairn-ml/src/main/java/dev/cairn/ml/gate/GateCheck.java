package dev.cairn.ml.gate;

import dev.cairn.core.CairnException;

/**
 * One parsed gate check, e.g. {@code accuracy >= 0.8} or {@code log_loss <= baseline + 5%}.
 *
 * @param expression the text it was parsed from, shown in decisions and errors
 * @param metric a metric key, or {@code slice_gap.<metric key>} for the largest best-to-worst slice gap
 */
public record GateCheck(String expression, String metric, Comparison comparison, Threshold threshold) {
  public GateCheck {
    if (expression == null || metric == null || comparison == null || threshold == null) {
      throw CairnException.invalid("gate check needs an expression, metric, comparison and threshold");
    }
  }

  /** Parses one check; see {@link GateExpressionParser} for the syntax. */
  public static GateCheck parse(String expression) {
    return GateExpressionParser.parse(expression);
  }

  /** Whether the check compares against a baseline model. */
  public boolean comparesToBaseline() {
    return threshold instanceof Threshold.Change;
  }
}
