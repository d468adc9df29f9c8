package dev.cairn.client;

import java.util.Map;

/**
 * One version of a dataset as a Cairn server reports it: {@code contentSha256} is the SHA-256 of its manifest
 * (every file's path, size and SHA-256), so equal content has the same hash; {@code rowCount} is the sum over
 * its table files, or null when it has none.
 */
public record DatasetVersionInfo(String name, int version, String contentSha256, int fileCount, long totalSize,
    Long rowCount, String author, String message, long createdTime, Map<String, String> tags) {
  public DatasetVersionInfo {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** {@code name@version}, the form {@link DatasetsClient#get} and the CLI accept. */
  public String ref() {
    return name + "@" + version;
  }
}
