package dev.cairn.registry.integrity;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;

/**
 * One file of an {@link ArtifactManifest}: its path relative to the artifact root, its size in bytes and its
 * SHA-256 in lower-case hex.
 *
 * <p>The path is checked, not normalised: it must already be canonical (relative, '/'-separated, no empty,
 * '.' or '..' segment, no backslash or control character, no drive letter, at most {@link #MAX_PATH_LENGTH}
 * characters), so a manifest can never name a file outside the folder it describes and each file has one
 * spelling.
 */
public record ManifestEntry(String path, long size, String sha256) {
  /** Longest accepted path, in characters (the artifact store's own limit). */
  public static final int MAX_PATH_LENGTH = 1024;

  public ManifestEntry {
    checkPath(path);
    if (size < 0) {
      throw CairnException.invalid("manifest entry '" + path + "' has size " + size + "; sizes are >= 0");
    }
    if (!Hashing.isSha256Hex(sha256)) {
      throw CairnException.invalid("manifest entry '" + path + "' has sha256 '" + sha256
          + "'; expected 64 lower-case hex characters");
    }
  }

  /** Raises {@code INVALID_PARAMETER_VALUE} unless {@code path} is a canonical relative file path. */
  public static void checkPath(String path) {
    if (path == null || path.isEmpty()) {
      throw CairnException.invalid("manifest path is empty; give a file path relative to the artifact root");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw CairnException.invalid("manifest path has " + path.length() + " characters; the limit is "
          + MAX_PATH_LENGTH);
    }
    if (path.startsWith("/")) {
      throw CairnException.invalid("manifest path '" + path + "' is absolute; paths are relative to the artifact root");
    }
    if (path.length() >= 2 && path.charAt(1) == ':') {
      throw CairnException.invalid("manifest path '" + path + "' looks like a drive letter; use a relative path");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f) {
        throw CairnException.invalid("manifest path '" + path.replaceAll("\\p{Cntrl}", "?")
            + "' has a backslash or control character at " + i + "; separate folders with '/'");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw CairnException.invalid("manifest path '" + path + "' has an empty, '.' or '..' segment;"
            + " paths are canonical and stay inside the artifact root");
      }
    }
  }
}
