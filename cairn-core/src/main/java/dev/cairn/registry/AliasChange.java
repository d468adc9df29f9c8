package dev.cairn.registry;

/**
 * One move of an alias, newest last in an alias's history: from which version to which (null: unset), by whom,
 * how (set directly, deleted, applied by a promotion request, rolled back) and when.
 */
public record AliasChange(String modelName, String alias, long sequence, Integer fromVersion, Integer toVersion,
    String actor, Kind kind, String requestId, String reason, long time) {

  /** How an alias moved. */
  public enum Kind { SET, DELETE, PROMOTION, ROLLBACK }
}
