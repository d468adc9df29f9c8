package dev.cairn.data.version;

import java.util.List;

/**
 * The difference between two dataset versions: files added, removed and changed (by content hash), and for
 * table files the schema and statistics fields that differ ({@code "path: field: old -> new"}).
 */
public record DatasetDiff(DatasetVersion from, DatasetVersion to, List<ManifestEntry> added,
    List<ManifestEntry> removed, List<ChangedFile> changed, int unchanged, List<String> schemaChanges,
    List<String> statsChanges) {

  public DatasetDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
    schemaChanges = List.copyOf(schemaChanges);
    statsChanges = List.copyOf(statsChanges);
  }

  /** A path present in both versions with different content. */
  public record ChangedFile(String path, long oldSize, long newSize, String oldSha256, String newSha256) {}

  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && schemaChanges.isEmpty()
        && statsChanges.isEmpty();
  }

  /** The diff as a user reads it in a terminal, one change a line. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("diff ").append(from.ref()).append(" -> ").append(to.ref()).append('\n');
    out.append(String.format("files: %d added, %d removed, %d changed, %d unchanged%n",
        added.size(), removed.size(), changed.size(), unchanged));
    for (ManifestEntry e : added) {
      out.append("+ ").append(e.path()).append(" (").append(e.size()).append(" bytes)\n");
    }
    for (ManifestEntry e : removed) {
      out.append("- ").append(e.path()).append(" (").append(e.size()).append(" bytes)\n");
    }
    for (ChangedFile c : changed) {
      out.append("~ ").append(c.path()).append(" (").append(c.oldSize()).append(" -> ").append(c.newSize())
          .append(" bytes, ").append(c.oldSha256(), 0, 12).append(" -> ").append(c.newSha256(), 0, 12).append(")\n");
    }
    if (!schemaChanges.isEmpty()) {
      out.append("schema:\n");
      schemaChanges.forEach(s -> out.append("  ").append(s).append('\n'));
    }
    if (!statsChanges.isEmpty()) {
      out.append("statistics:\n");
      statsChanges.forEach(s -> out.append("  ").append(s).append('\n'));
    }
    if (isEmpty()) {
      out.append("no differences\n");
    }
    return out.toString();
  }
}
