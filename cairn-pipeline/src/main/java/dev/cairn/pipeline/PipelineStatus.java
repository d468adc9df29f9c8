package dev.cairn.pipeline;

/** The state of a pipeline run: FAILED when any step failed (after the independent branches finished). */
public enum PipelineStatus {
  RUNNING, SUCCEEDED, FAILED
}
