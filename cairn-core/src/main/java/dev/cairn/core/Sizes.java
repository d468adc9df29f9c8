package dev.cairn.core;

import java.util.Locale;

/** Byte counts as people read them, the same in the CLI and the web UI. */
public final class Sizes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private Sizes() {}

  /** {@code 512 B}, {@code 10.2 KiB}, {@code 3.0 GiB}: 1024-based, one decimal above a kibibyte. */
  public static String readable(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
  }
}
