package dev.cairn.registry;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A named model in the registry. {@code aliases} maps each alias to the version it points at;
 * {@code latestVersions} holds the newest version in each stage that has one (MLflow's latest_versions).
 */
public record RegisteredModel(String name, long creationTimestamp, long lastUpdatedTimestamp, String description,
    Map<String, String> tags, Map<String, Integer> aliases, List<ModelVersion> latestVersions) {
  public RegisteredModel {
    RegistryNames.requireModelName(name);
    tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
    aliases = aliases == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(aliases));
    latestVersions = latestVersions == null ? List.of() : List.copyOf(latestVersions);
  }
}
