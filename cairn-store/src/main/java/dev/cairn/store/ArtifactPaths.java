package dev.cairn.store;

import dev.cairn.core.CairnException;
import java.util.Locale;

/**
 * The one gate every artifact path passes. A path that could name anything outside the store's root is
 * rejected here, by construction, before any backend sees it.
 */
public final class ArtifactPaths {
  /** Longest accepted path, in characters. */
  public static final int MAX_LENGTH = 1024;

  private ArtifactPaths() {}

  /**
   * Returns the path in canonical form (no leading, trailing or doubled '/'; "" for the root), or raises
   * {@code INVALID_PARAMETER_VALUE} for '..' or '.' segments, absolute paths, backslashes, control
   * characters, percent-encoded dots or slashes, and paths over {@link #MAX_LENGTH} characters.
   */
  public static String normalize(String path) {
    if (path == null) {
      return "";
    }
    if (path.length() > MAX_LENGTH) {
      throw CairnException.invalid(
          "artifact path has " + path.length() + " characters; the limit is " + MAX_LENGTH);
    }
    if (path.startsWith("/")) {
      throw CairnException.invalid("artifact path '" + path + "' is absolute; use a path relative to the run");
    }
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
      throw CairnException.invalid("artifact path '" + path + "' contains a percent-encoded '.', '/', '\\' or NUL");
    }
    StringBuilder out = new StringBuilder(path.length());
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals("..") || segment.equals(".")) {
        throw CairnException.invalid("artifact path '" + path + "' contains a '" + segment + "' segment");
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (c == '\\' || c < 0x20 || c == 0x7f) {
          throw CairnException.invalid(
              "artifact path '" + path + "' contains a backslash or control character at " + i);
        }
      }
      if (segment.length() >= 2 && segment.charAt(1) == ':' && out.isEmpty()) {
        throw CairnException.invalid("artifact path '" + path + "' looks like a drive letter; use a relative path");
      }
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(segment);
    }
    return out.toString();
  }

  /** Joins two normalised paths. */
  public static String join(String parent, String child) {
    String p = normalize(parent);
    String c = normalize(child);
    if (p.isEmpty()) {
      return c;
    }
    return c.isEmpty() ? p : p + "/" + c;
  }
}
