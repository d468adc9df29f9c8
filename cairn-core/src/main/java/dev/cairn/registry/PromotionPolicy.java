package dev.cairn.registry;

import dev.cairn.core.CairnException;

/**
 * A protected alias of a registered model: it moves only through a promotion request that gathers
 * {@code requiredApprovals} approvals from people other than the requester (or by a rollback).
 */
public record PromotionPolicy(String modelName, String alias, int requiredApprovals, String updatedBy, long updatedTime) {
  /** More approvers than this is a typo, not a policy. */
  public static final int MAX_APPROVALS = 10;

  public PromotionPolicy {
    RegistryNames.requireModelName(modelName);
    RegistryNames.requireAlias(alias);
    requireApprovals(requiredApprovals);
  }

  /** Checks an approval count and returns it. */
  public static int requireApprovals(int n) {
    if (n < 1 || n > MAX_APPROVALS) {
      throw CairnException.invalid("required_approvals is " + n + "; a policy needs 1 to " + MAX_APPROVALS
          + " approvals (to let anyone move the alias, delete the policy instead)");
    }
    return n;
  }
}
