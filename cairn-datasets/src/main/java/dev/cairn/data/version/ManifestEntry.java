package dev.cairn.data.version;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactPaths;

/** One file of a dataset version: its relative '/'-separated path, size in bytes and SHA-256 in hex. */
public record ManifestEntry(String path, long size, String sha256) {
  public ManifestEntry {
    String normalized = ArtifactPaths.normalize(path);
    if (normalized.isEmpty() || !normalized.equals(path)) {
      throw CairnException.invalid("manifest path '" + path + "' is not a canonical relative file path");
    }
    if (size < 0) {
      throw CairnException.invalid("manifest entry '" + path + "' has size " + size + "; sizes are 0 or more");
    }
    if (!Hashing.isSha256Hex(sha256)) {
      throw CairnException.invalid("manifest entry '" + path + "' has sha256 '" + sha256 + "'; expected 64 lowercase hex digits");
    }
  }
}
