package dev.cairn.audit;

/**
 * The outcome of checking the audit chain: {@code ok} when every event's hash, sequence and link to its
 * predecessor hold and the chain head names the last event; otherwise {@code firstBad} names the first event
 * found wrong. {@code checked} counts the events that passed before it.
 */
public record AuditVerification(boolean ok, long checked, Problem firstBad) {

  /** The first bad event: its sequence number and what is wrong with it. */
  public record Problem(long sequence, String reason) {}

  public AuditVerification {
    if (ok != (firstBad == null)) {
      throw new IllegalArgumentException("a verification is ok exactly when it names no bad event");
    }
  }

  public static AuditVerification passed(long checked) {
    return new AuditVerification(true, checked, null);
  }

  public static AuditVerification failed(long checked, long sequence, String reason) {
    return new AuditVerification(false, checked, new Problem(sequence, reason));
  }
}
