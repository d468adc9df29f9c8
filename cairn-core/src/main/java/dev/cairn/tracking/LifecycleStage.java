package dev.cairn.tracking;

/** Soft-delete state of experiments and runs; rendered lowercase as MLflow does ("active", "deleted"). */
public enum LifecycleStage {
  ACTIVE,
  DELETED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static LifecycleStage fromWire(String s) {
    return valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }
}
