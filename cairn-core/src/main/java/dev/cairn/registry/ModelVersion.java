package dev.cairn.registry;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One registered version of a model, numbered from 1 per model without gaps. {@code source} is where its files
 * are (a {@code runs:/} URI or an artifact location); {@code modelId} is the MLflow 3 logged model it came from,
 * or null; {@code aliases} are the aliases pointing at it, sorted.
 */
public record ModelVersion(String name, int version, long creationTimestamp, long lastUpdatedTimestamp,
    String userId, ModelStage currentStage, String description, String source, String runId, String runLink,
    ModelVersionStatus status, String statusMessage, Map<String, String> tags, List<String> aliases,
    String modelId) {
  public ModelVersion {
    RegistryNames.requireModelName(name);
    if (version < 1) {
      throw new IllegalArgumentException("model versions count from 1, got " + version);
    }
    Objects.requireNonNull(currentStage, "currentStage");
    Objects.requireNonNull(status, "status");
    tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    aliases = aliases == null ? List.of() : aliases.stream().sorted().toList();
  }
}
