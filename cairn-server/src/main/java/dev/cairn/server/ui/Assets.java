package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The UI's browser files, a fixed list read from the jar once: Cairn's own CSS and scripts and the WebJars'
 * htmx and uPlot. Each is served at {@code /static/NAME?v=HASH}; the hash changes with the content, so the
 * files can be cached for a year without an upgrade serving stale ones.
 */
public final class Assets {
  /** The WebJars' versions, as cairn-server's pom names them (their paths include them; a mismatch fails at start). */
  static final String HTMX_VERSION = "2.0.7";
  static final String UPLOT_VERSION = "1.6.30";

  /** One served file. */
  record Asset(String name, String contentType, byte[] bytes, String hash) {}

  private static final Map<String, Asset> ASSETS = load();

  private Assets() {}

  private static Map<String, Asset> load() {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("cairn.css", "/dev/cairn/server/ui/static/cairn.css");
    sources.put("cairn-charts.js", "/dev/cairn/server/ui/static/cairn-charts.js");
    sources.put("cairn-monitor.js", "/dev/cairn/server/ui/static/cairn-monitor.js");
    sources.put("favicon.svg", "/dev/cairn/server/ui/static/favicon.svg");
    sources.put("htmx.min.js", "/META-INF/resources/webjars/htmx.org/" + HTMX_VERSION + "/dist/htmx.min.js");
    sources.put("uPlot.iife.min.js", "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/uPlot.iife.min.js");
    sources.put("uPlot.min.css", "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/uPlot.min.css");
    Map<String, Asset> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      byte[] bytes = read(e.getValue());
      String type = e.getKey().endsWith(".css") ? "text/css; charset=utf-8"
          : e.getKey().endsWith(".svg") ? "image/svg+xml" : "text/javascript; charset=utf-8";
      out.put(e.getKey(), new Asset(e.getKey(), type, bytes, sha256(bytes).substring(0, 12)));
    }
    return Map.copyOf(out);
  }

  private static byte[] read(String resource) {
    try (InputStream in = Assets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("UI asset " + resource + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The URL a page links to for {@code name}, e.g. {@code /static/cairn.css?v=0123456789ab}. */
  public static String url(String name) {
    Asset a = ASSETS.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no UI asset " + name);
    }
    return "/static/" + name + "?v=" + a.hash();
  }

  static Asset get(String name) {
    Asset a = ASSETS.get(name);
    if (a == null) {
      throw CairnException.notFound("no static file '" + name + "'; the UI serves " + String.join(", ", ASSETS.keySet()));
    }
    return a;
  }
}
