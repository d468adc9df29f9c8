package dev.cairn.serving.rules;

/**
 * The outcome of a condition over some windows: {@link Verdict#UNKNOWN} when a figure it needs is missing (no feedback
 * yet, fewer windows than {@code over N windows} asks for), so neither an alert nor a canary acts on it.
 *
 * @param detail each comparison with the values it saw, e.g. {@code p99_ms 130.2 > 100: true}
 */
public record Evaluation(Verdict verdict, String detail) {
  /** Three-valued: a comparison with a missing side is unknown, and {@code and}/{@code or} follow Kleene's logic. */
  public enum Verdict {
    TRUE, FALSE, UNKNOWN;

    Verdict and(Verdict other) {
      if (this == FALSE || other == FALSE) {
        return FALSE;
      }
      return this == TRUE && other == TRUE ? TRUE : UNKNOWN;
    }

    Verdict or(Verdict other) {
      if (this == TRUE || other == TRUE) {
        return TRUE;
      }
      return this == FALSE && other == FALSE ? FALSE : UNKNOWN;
    }

    Verdict not() {
      return this == UNKNOWN ? UNKNOWN : this == TRUE ? FALSE : TRUE;
    }

    static Verdict of(boolean b) {
      return b ? TRUE : FALSE;
    }
  }

  public boolean isTrue() {
    return verdict == Verdict.TRUE;
  }

  public boolean isFalse() {
    return verdict == Verdict.FALSE;
  }
}
