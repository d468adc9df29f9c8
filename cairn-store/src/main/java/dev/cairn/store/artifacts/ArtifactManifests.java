package dev.cairn.store.artifacts;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.registry.integrity.ArtifactManifest;
import dev.cairn.registry.integrity.ManifestEntry;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStore.ArtifactEntry;
import dev.cairn.store.ArtifactStore.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of everything an artifact store holds under a directory (a model version's artifacts), from the
 * sizes and SHA-256 the store recorded when each blob was written: a blob is read and hashed here only when
 * its backend cannot tell its hash (e.g. an S3 object not written by Cairn).
 */
public final class ArtifactManifests {
  private ArtifactManifests() {}

  /**
   * Lists {@code directory} recursively and returns the manifest of its blobs, with paths relative to it.
   * Raises {@code RESOURCE_DOES_NOT_EXIST} when nothing is stored there.
   */
  public static ArtifactManifest of(ArtifactStore store, String directory, String subject) {
    String root = ArtifactPaths.normalize(directory);
    List<ManifestEntry> entries = new ArrayList<>();
    collect(store, root, root, entries);
    if (entries.isEmpty()) {
      throw CairnException.notFound("no artifacts under '" + root + "' in " + store.rootUri());
    }
    return ArtifactManifest.of(subject, entries);
  }

  private static void collect(ArtifactStore store, String root, String directory, List<ManifestEntry> out) {
    for (ArtifactEntry entry : store.list(directory)) {
      if (entry.isDir()) {
        collect(store, root, entry.path(), out);
        continue;
      }
      StoredBlob blob = store.stat(entry.path());
      if (blob == null) {
        continue; // deleted between list and stat
      }
      String sha256 = blob.sha256() != null ? blob.sha256() : hash(store, entry.path());
      String relative = root.isEmpty() ? entry.path() : entry.path().substring(root.length() + 1);
      out.add(new ManifestEntry(relative, blob.size(), sha256));
    }
  }

  private static String hash(ArtifactStore store, String path) {
    try (InputStream in = store.open(path)) {
      return Hashing.sha256Hex(in);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot read artifact '" + path + "': " + e.getMessage(), e);
    }
  }
}
