package dev.cairn.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this Cairn build, from a resource Maven fills in; part of every step cache key. */
public final class CairnVersion {
  private static final String VERSION = read();

  private CairnVersion() {}

  public static String current() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = CairnVersion.class.getResourceAsStream("cairn-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.contains("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
