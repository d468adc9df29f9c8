package dev.cairn.registry;

import java.util.List;
import java.util.Objects;

/**
 * A request to point a protected alias at a version, with the requester's reason and the evidence shown to
 * approvers (the candidate's metrics beside the current holder's, as JSON). {@code currentVersion} is the holder
 * when the request was made; {@code previousVersion} the holder the alias moved away from when it was applied.
 */
public record PromotionRequest(
    String requestId,
    String modelName,
    String alias,
    int version,
    Integer currentVersion,
    String requester,
    String reason,
    String evidenceJson,
    int requiredApprovals,
    Status status,
    List<Decision> decisions,
    long createdTime,
    Long decidedTime,
    Integer previousVersion) {

  /** Where a request is in its life; only PENDING accepts decisions. */
  public enum Status {
    PENDING, APPLIED, REJECTED, CANCELLED;

    public boolean isOpen() {
      return this == PENDING;
    }
  }

  /** One approver's verdict, with their comment. */
  public record Decision(String actor, Verdict verdict, String comment, long time) {
    public Decision {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /** What an approver can say. */
  public enum Verdict { APPROVE, REJECT }

  public PromotionRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(status, "status");
    decisions = decisions == null ? List.of() : List.copyOf(decisions);
  }

  /** How many approvals the request has gathered. */
  public long approvals() {
    return decisions.stream().filter(d -> d.verdict() == Verdict.APPROVE).count();
  }
}
