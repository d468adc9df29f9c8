package dev.cairn.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One attempt of one step in a pipeline run. {@code stepRunId} is also the MLflow run id of the step's child run.
 * {@code cachedFrom} names the step run whose outputs a cache hit reused; {@code logPath} is the artifact store
 * path of the step's captured log (null when nothing was logged). Times are epoch milliseconds, null until known.
 */
public record StepRun(String stepRunId, String pipelineRunId, String stepName, int attempt, String stepType,
    StepStatus status, String cacheKey, String cachedFrom, Long startTime, Long endTime, Map<String, Object> params,
    String error, String logPath, List<StepArtifact> inputs, List<StepArtifact> outputs) {
  public StepRun {
    Objects.requireNonNull(stepRunId, "stepRunId");
    Objects.requireNonNull(stepName, "stepName");
    Objects.requireNonNull(status, "status");
    params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** Milliseconds from start to end, or null while either is unknown. */
  public Long durationMillis() {
    return startTime == null || endTime == null ? null : endTime - startTime;
  }

  public StepArtifact output(String name) {
    return outputs.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
  }
}
