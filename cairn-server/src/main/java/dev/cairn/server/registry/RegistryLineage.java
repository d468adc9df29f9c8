package dev.cairn.server.registry;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelVersion;
import dev.cairn.server.lineage.RegistryView;
import dev.cairn.store.registry.ModelRegistryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The registry as lineage reads it: versions by number, and the versions registered from a run. */
public final class RegistryLineage implements RegistryView {
  /** Run ids are hex (MLflow's 32 characters); anything else cannot have produced a version. */
  private static final Pattern RUN_ID = Pattern.compile("[0-9a-fA-F]{1,64}");
  private final ModelRegistryStore registry;

  public RegistryLineage(ModelRegistryStore registry) {
    this.registry = registry;
  }

  @Override
  public Optional<VersionFacts> version(String name, int version) {
    try {
      return Optional.of(facts(registry.getModelVersion(name, version)));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<VersionFacts> versionsOfRun(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      return List.of();
    }
    List<VersionFacts> out = new ArrayList<>();
    String token = null;
    do {
      var page = registry.searchModelVersions("run_id = '" + runId + "'", List.of("name ASC", "version_number ASC"),
          1000, token);
      page.items().forEach(v -> out.add(facts(v)));
      token = page.nextPageToken();
    } while (token != null);
    return out;
  }

  private static VersionFacts facts(ModelVersion v) {
    return new VersionFacts(v.name(), v.version(), emptyToNull(v.runId()), emptyToNull(v.modelId()),
        v.status() == null ? null : v.status().name(), v.aliases());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
