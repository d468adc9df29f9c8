package dev.cairn.tracking;

/** Which lifecycle stages a search returns, as MLflow's ViewType. */
public enum ViewType {
  ACTIVE_ONLY,
  DELETED_ONLY,
  ALL
}
