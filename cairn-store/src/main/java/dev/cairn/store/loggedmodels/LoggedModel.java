package dev.cairn.store.loggedmodels;

import dev.cairn.tracking.LifecycleStage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model logged to an experiment (MLflow 3's LoggedModel): its id ({@code m-} and 32 hex digits), where its
 * artifacts live, its upload status, the run that produced it, and its tags, params and linked metrics. Tags
 * and params keep their keys' sorted order.
 */
public record LoggedModel(String modelId, String experimentId, String name, String artifactLocation,
    long creationTimestampMs, long lastUpdatedTimestampMs, LoggedModelStatus status, String statusMessage,
    LifecycleStage lifecycleStage, String modelType, String sourceRunId, Map<String, String> tags,
    Map<String, String> params, List<ModelMetric> metrics) {
  public LoggedModel {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(status, "status");
    tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tags));
    params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params));
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
  }
}
