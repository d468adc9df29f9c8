package dev.cairn.pipeline;

/** The state of a step run. SUCCEEDED, CACHED, FAILED and SKIPPED are terminal. */
public enum StepStatus {
  RUNNING,
  /** Ran and stored its outputs. */
  SUCCEEDED,
  /** Not run: its outputs were taken from an earlier step run with the same cache key ({@code cachedFrom}). */
  CACHED,
  FAILED,
  /** Not run because a step it depends on failed. */
  SKIPPED;

  public boolean isDone() {
    return this == SUCCEEDED || this == CACHED;
  }
}
