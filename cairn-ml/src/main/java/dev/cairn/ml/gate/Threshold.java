package dev.cairn.ml.gate;

import dev.cairn.core.CairnException;

/**
 * The right-hand side of a gate check: a fixed value, or a change relative to the baseline model's value of the
 * same metric.
 */
public sealed interface Threshold permits Threshold.Value, Threshold.Change {

  /** A value threshold such as {@code 0.8} in {@code accuracy >= 0.8}. */
  record Value(double value) implements Threshold {
    public Value {
      if (!Double.isFinite(value)) {
        throw CairnException.invalid("threshold " + value + " is not a finite number");
      }
    }
  }

  /**
   * A change threshold: {@code baseline + amount} when absolute, {@code baseline + amount% * |baseline|} when
   * relative ({@code baseline - 2%}); amount is signed.
   */
  record Change(double amount, boolean relative) implements Threshold {
    public Change {
      if (!Double.isFinite(amount)) {
        throw CairnException.invalid("baseline change " + amount + " is not a finite number");
      }
    }

    /** The threshold this change gives for a baseline value. */
    public double apply(double baseline) {
      return relative ? baseline + amount / 100 * Math.abs(baseline) : baseline + amount;
    }
  }
}
