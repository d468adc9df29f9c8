package dev.cairn.server.mlflow;

import dev.cairn.store.ArtifactPaths;

/**
 * Maps an experiment's or run's artifact URI to a path in the server's artifact store. Experiments the
 * server creates live under {@code mlflow-artifacts:/<id>} (MLflow's --serve-artifacts scheme), whose path
 * is the store path; a URI spelled with the store's own root also maps.
 */
public final class ArtifactLocations {
  /** The root every experiment created through the server gets its artifact location under. */
  public static final String PROXY_ROOT = "mlflow-artifacts:";

  private ArtifactLocations() {}

  /** The store-relative path of {@code artifactUri}, or null when it lies outside the store. */
  public static String storePath(String artifactUri, String storeRootUri) {
    if (artifactUri == null) {
      return null;
    }
    if (artifactUri.startsWith(PROXY_ROOT)) {
      String rest = artifactUri.substring(PROXY_ROOT.length());
      if (rest.startsWith("//")) { // mlflow-artifacts://host:port/path names the server too
        int slash = rest.indexOf('/', 2);
        rest = slash < 0 ? "" : rest.substring(slash);
      }
      return ArtifactPaths.normalize(stripLeadingSlashes(rest));
    }
    String uri = canonicalFileUri(artifactUri);
    String root = canonicalFileUri(storeRootUri);
    while (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    if (uri.equals(root)) {
      return "";
    }
    if (uri.startsWith(root + "/")) {
      return ArtifactPaths.normalize(uri.substring(root.length() + 1));
    }
    return null;
  }

  /** {@code file:///x}, {@code file://localhost/x} and {@code file:/x} name the same directory. */
  private static String canonicalFileUri(String uri) {
    if (uri.startsWith("file://localhost/")) {
      return "file:/" + stripLeadingSlashes(uri.substring("file://localhost/".length()));
    }
    if (uri.startsWith("file:/")) {
      return "file:/" + stripLeadingSlashes(uri.substring("file:".length()));
    }
    return uri;
  }

  private static String stripLeadingSlashes(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '/') {
      i++;
    }
    return s.substring(i);
  }
}
