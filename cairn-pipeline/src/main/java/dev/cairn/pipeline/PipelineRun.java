package dev.cairn.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * A run of a pipeline; {@code runId} is also the MLflow run id (tagged {@code cairn.pipeline}). {@code steps}
 * holds every attempt of every step, oldest first; {@link #latest} gives the current one per step.
 * {@code definitionJson} is the pipeline's shape ({@link Pipeline#describe}) when the run started.
 */
public record PipelineRun(String runId, String pipelineName, String experimentId, String definitionSha256,
    String definitionJson, PipelineStatus status, long startTime, Long endTime, String error, int attempts,
    List<StepRun> steps) {
  public PipelineRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** The newest attempt of {@code stepName}, or null when the step has none. */
  public StepRun latest(String stepName) {
    StepRun latest = null;
    for (StepRun s : steps) {
      if (s.stepName().equals(stepName) && (latest == null || s.attempt() > latest.attempt())) {
        latest = s;
      }
    }
    return latest;
  }

  public Long durationMillis() {
    return endTime == null ? null : endTime - startTime;
  }
}
