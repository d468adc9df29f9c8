package dev.cairn.registry;

/** MLflow's ModelVersionStatus. A Cairn version is READY once created: its files are already stored. */
public enum ModelVersionStatus {
  PENDING_REGISTRATION,
  FAILED_REGISTRATION,
  READY
}
