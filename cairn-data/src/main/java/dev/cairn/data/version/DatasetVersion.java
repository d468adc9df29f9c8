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
}
