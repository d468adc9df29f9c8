package dev.cairn.tracking;

/** MLflow run statuses. FINISHED, FAILED and KILLED are terminal. */
public enum RunStatus {
  RUNNING,
  SCHEDULED,
  FINISHED,
  FAILED,
  KILLED;

  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
