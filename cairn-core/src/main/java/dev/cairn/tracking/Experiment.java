package dev.cairn.tracking;

import java.util.List;
import java.util.Objects;

/** An MLflow experiment: a named group of runs. Ids are numeric strings; "0" is the default experiment. */
public record Experiment(
    String experimentId,
    String name,
    String artifactLocation,
    LifecycleStage lifecycleStage,
    long creationTime,
    long lastUpdateTime,
    List<Tag> tags) {
  public Experiment {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
