package dev.cairn.ml.gate;

/** The comparison of a gate check: the metric value on the left, the threshold on the right. */
public enum Comparison {
  AT_LEAST(">="),
  AT_MOST("<="),
  ABOVE(">"),
  BELOW("<");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** Whether {@code value} satisfies the comparison with {@code threshold}. */
  public boolean holds(double value, double threshold) {
    return switch (this) {
      case AT_LEAST -> value >= threshold;
      case AT_MOST -> value <= threshold;
      case ABOVE -> value > threshold;
      case BELOW -> value < threshold;
    };
  }
}
