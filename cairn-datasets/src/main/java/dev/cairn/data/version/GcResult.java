package dev.cairn.data.version;

import java.util.List;

/**
 * What {@code gc} found and did.
 *
 * @param removed blobs deleted (or, on a dry run, that would be), by SHA-256, sorted
 * @param removedBytes their total size
 * @param referenced blobs some version references (manifests included)
 * @param leased unreferenced blobs an add in progress is writing or reusing: kept
 * @param waiting unreferenced blobs kept until they have been unreferenced for the grace period
 * @param dryRun true when nothing was deleted
 */
public record GcResult(List<String> removed, long removedBytes, int referenced, int leased, int waiting,
    boolean dryRun) {
  public GcResult {
    removed = List.copyOf(removed);
  }
}
