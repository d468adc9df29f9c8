package dev.cairn.tracking;

import java.util.Objects;

/** The mutable header of a run. {@code endTime} is null while the run has not ended. */
public record RunInfo(
    String runId,
    String runName,
    String experimentId,
    String userId,
    RunStatus status,
    long startTime,
    Long endTime,
    String artifactUri,
    LifecycleStage lifecycleStage) {
  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
  }
}
