package dev.cairn.ml.gate;

import java.util.List;

/**
 * A gate's verdict: {@code passed} when no check failed (skipped checks do not fail the gate), one result per
 * check in declaration order, and notes such as {@code no baseline: change thresholds skipped}.
 */
public record GateDecision(boolean passed, List<CheckResult> checks, List<String> notes) {
  /** The note added when change thresholds could not be checked for lack of a baseline. */
  public static final String NO_BASELINE = "no baseline: change thresholds skipped";

  public GateDecision {
    checks = List.copyOf(checks);
    notes = List.copyOf(notes);
  }

  /** A human-readable report: a headline, one line per check, then the notes. */
  public String report() {
    StringBuilder s = new StringBuilder(passed ? "gate passed" : "gate failed").append('\n');
    for (CheckResult c : checks) {
      s.append("  ").append(c.line()).append('\n');
    }
    for (String note : notes) {
      s.append("  note: ").append(note).append('\n');
    }
    return s.toString();
  }
}
