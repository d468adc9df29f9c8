package dev.cairn.tracking;

import java.util.List;
import java.util.Objects;

/**
 * A dataset a run used, as MLflow's log-inputs carries it. A dataset is identified within an experiment by
 * (name, digest); schema and profile are opaque JSON strings.
 */
public record DatasetInput(
    String name, String digest, String sourceType, String source, String schema, String profile, List<Tag> tags) {
  public DatasetInput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
