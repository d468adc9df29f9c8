package dev.cairn.data.version;

import java.util.Map;
import java.util.TreeMap;

/**
 * One recorded version of a dataset. {@code manifestSha256} is its content hash; {@code storageUri} names the
 * manifest blob. {@code schemaJson} and {@code profileJson} map each table file's path to its schema and
 * statistics (null when the version has no tables); {@code rowCount} is the sum over tables, or null.
 */
public record DatasetVersion(
    String id,
    String name,
    int version,
    Integer parentVersion,
    String author,
    String message,
    long createdTime,
    long totalSize,
    Long rowCount,
    int fileCount,
    String manifestSha256,
    String storageUri,
    Map<String, String> tags,
    String schemaJson,
    String profileJson) {

  public DatasetVersion {
    tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  public DatasetRef ref() {
    return new DatasetRef(name, version);
  }

  /**
   * This version as a run input for MLflow's log-inputs: the digest is the first 32 hex characters of the
   * content hash (MLflow caps digests at 36 characters; the full hash is in the profile), the source names the
   * version ({@code cairn-dataset:NAME@VERSION}), so {@code datasets.name = 'churn'} and
   * {@code datasets.digest = '...'} find the runs trained on it. The profile carries the summary figures only;
   * the full per-column statistics stay with the version.
   */
  /** The digest {@link #toRunInput} records: the content hash cut to MLflow's digest limit. */
  public String runInputDigest() {
    return manifestSha256.substring(0, 32);
  }

  public dev.cairn.tracking.DatasetInput toRunInput(String context) {
    Map<String, Object> profile = new TreeMap<>();
    profile.put("version", version);
    profile.put("sha256", manifestSha256);
    profile.put("file_count", fileCount);
    profile.put("total_size", totalSize);
    if (rowCount != null) {
      profile.put("num_rows", rowCount);
    }
    java.util.List<dev.cairn.tracking.Tag> inputTags = context == null
        ? java.util.List.of()
        : java.util.List.of(new dev.cairn.tracking.Tag("mlflow.data.context", context));
    return new dev.cairn.tracking.DatasetInput(name, runInputDigest(), "cairn", "cairn-dataset:" + name + "@" + version,
        schemaJson, dev.cairn.core.Json.write(profile), inputTags);
  }
}
