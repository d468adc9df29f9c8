package dev.cairn.ml.gate;

import dev.cairn.core.CairnException;
import java.util.Locale;

/**
 * The outcome of one gate check. {@code value}, {@code threshold} and {@code baselineValue} are null where they
 * do not apply or are unknown (no baseline, metric not computed); {@code reason} says why for SKIPPED and for a
 * FAIL without a value.
 */
public record CheckResult(String expression, String metric, Double value, Double threshold, Double baselineValue,
    Verdict verdict, String reason) {

  /** What a check decided. */
  public enum Verdict { PASS, FAIL, SKIPPED }

  public CheckResult {
    if (expression == null || metric == null || verdict == null) {
      throw CairnException.invalid("check result needs expression, metric and verdict");
    }
  }

  /** One line for logs and the CLI: verdict, expression, value, threshold, baseline value, reason. */
  public String line() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-7s %s: value %s, threshold %s", verdict,
        expression, format(value), format(threshold)));
    if (baselineValue != null) {
      s.append(", baseline ").append(format(baselineValue));
    }
    if (reason != null) {
      s.append(" (").append(reason).append(')');
    }
    return s.toString();
  }

  private static String format(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.6g", d);
  }
}
