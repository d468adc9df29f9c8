package dev.cairn.data.version;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The hook through which dataset versioning asks the table library (dev.cairn.data.{table,schema,stats}) for a
 * table file's schema and statistics. Versioning stores both per file and diffs them; it does not care how
 * they are computed, so any JSON-shaped schema and profile works.
 */
public interface TableProfiler {
  /** File extensions read as tables. */
  Set<String> TABLE_EXTENSIONS = Set.of("csv", "tsv", "jsonl", "ndjson");

  /** A profiler that profiles nothing: versions then carry no schema or statistics. */
  TableProfiler NONE = (file, relativePath) -> null;

  /** Schema, statistics and row count of one table file. */
  record TableProfile(long rowCount, JsonNode schema, JsonNode profile) {}

  /** Profiles {@code file}, or returns null when it is not a table this profiler reads. */
  TableProfile profile(Path file, String relativePath) throws IOException;

  static boolean isTable(String relativePath) {
    int dot = relativePath.lastIndexOf('.');
    return dot >= 0 && TABLE_EXTENSIONS.contains(relativePath.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
