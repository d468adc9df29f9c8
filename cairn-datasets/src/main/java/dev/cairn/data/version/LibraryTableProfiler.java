package dev.cairn.data.version;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Profiler;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Profiles table files with the streaming profiler of dev.cairn.data.stats (schema inferred from the same pass).
 * The full profile is kept, sketches included, so later steps (drift, validation) can reload and merge it. A
 * table the reader rejects (bad UTF-8, ragged rows) raises the reader's INVALID_PARAMETER_VALUE naming file, line
 * and column; versioning then refuses the add unless asked to store such files unprofiled.
 */
public final class LibraryTableProfiler implements TableProfiler {
  public static final LibraryTableProfiler INSTANCE = new LibraryTableProfiler();

  private LibraryTableProfiler() {}

  @Override
  public TableProfile profile(Path file, String relativePath) throws IOException {
    if (!TableProfiler.isTable(relativePath)) {
      return null;
    }
    Profile p = Profiler.profile(file);
    JsonNode schema = Json.MAPPER.valueToTree(p.schema());
    JsonNode profile = Json.MAPPER.readTree(p.toJson());
    return new TableProfile(p.rowCount(), schema, profile);
  }
}
