package dev.cairn.server.lineage;

import java.util.List;
import java.util.Optional;

/** What lineage needs of the model registry: a version by number, and the versions a run produced. */
public interface RegistryView {
  /** One registered model version as lineage shows it; {@code runId} and {@code loggedModelId} may be null. */
  record VersionFacts(String name, int version, String runId, String loggedModelId, String status,
      List<String> aliases) {
    public VersionFacts {
      aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
  }

  /** The version, or empty when the model or the version does not exist. */
  Optional<VersionFacts> version(String name, int version);

  /** Every registered version whose source run is {@code runId}, in a stable order. */
  List<VersionFacts> versionsOfRun(String runId);
}
