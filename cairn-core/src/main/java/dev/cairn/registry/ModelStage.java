package dev.cairn.registry;

import dev.cairn.core.CairnException;
import java.util.Locale;

/** The stages of MLflow's older stage workflow (aliases replace it; kept for clients that still transition). */
public enum ModelStage {
  NONE("None"),
  STAGING("Staging"),
  PRODUCTION("Production"),
  ARCHIVED("Archived");

  private final String wire;

  ModelStage(String wire) {
    this.wire = wire;
  }

  /** The spelling MLflow's JSON uses, e.g. {@code Production}. */
  public String wire() {
    return wire;
  }

  /** Reads a stage in any letter case, as MLflow does; INVALID_PARAMETER_VALUE lists the valid ones. */
  public static ModelStage parse(String text) {
    if (text != null) {
      for (ModelStage s : values()) {
        if (s.wire.toLowerCase(Locale.ROOT).equals(text.strip().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
    }
    throw CairnException.invalid("Invalid Model Version stage: '" + text + "'; the stages are None, Staging, "
        + "Production and Archived (any letter case)");
  }

  /** Whether moving a version here may archive the versions already in this stage. */
  public boolean canArchiveOthers() {
    return this == STAGING || this == PRODUCTION;
  }
}
