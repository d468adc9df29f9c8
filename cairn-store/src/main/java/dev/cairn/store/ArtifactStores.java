package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.store.artifacts.FileArtifactStore;
import dev.cairn.store.artifacts.S3ArtifactStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Opens the artifact store a URI names: {@code file:PATH}, {@code file:///abs/path} or a plain path for a
 * local directory; {@code s3://bucket/prefix} for any S3-compatible store.
 */
public final class ArtifactStores {
  /** A scheme has at least two characters, so a Windows drive ("C:\x") still reads as a plain path. */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

  private ArtifactStores() {}

  public static ArtifactStore open(String uri) {
    return open(uri, Map.of());
  }

  /**
   * Opens the store with backend options. For {@code s3://}: {@code endpoint} (else env
   * {@code MLFLOW_S3_ENDPOINT_URL} or {@code AWS_ENDPOINT_URL}), {@code region} (else env {@code AWS_REGION},
   * else us-east-1), {@code accessKeyId} and {@code secretAccessKey} (else the AWS default credentials chain).
   * The file store takes no options.
   */
  public static ArtifactStore open(String uri, Map<String, String> options) {
    if (uri == null || uri.isBlank()) {
      throw CairnException.invalid("artifacts URI is empty; use file:PATH or s3://bucket/prefix");
    }
    if (uri.startsWith("s3://")) {
      return S3ArtifactStore.open(uri, options == null ? Map.of() : options, System.getenv());
    }
    if (uri.startsWith("file:")) {
      return new FileArtifactStore(fileUriToPath(uri));
    }
    if (SCHEME.matcher(uri).find()) {
      throw CairnException.invalid("artifacts URI '" + uri + "' has an unknown scheme; known: file:, s3://");
    }
    return new FileArtifactStore(Path.of(uri));
  }

  static Path fileUriToPath(String uri) {
    String rest = uri.substring("file:".length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      String host = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
        throw CairnException.invalid("artifacts URI '" + uri + "' names host '" + host
            + "'; a file: URI must be local (file:///abs/path)");
      }
      rest = slash < 0 ? "/" : rest.substring(slash);
    }
    if (rest.isEmpty()) {
      throw CairnException.invalid("artifacts URI '" + uri + "' has no path; use file:PATH");
    }
    if (rest.startsWith("/")) {
      try {
        return Path.of(URI.create("file://" + rest));
      } catch (IllegalArgumentException e) {
        return Path.of(rest); // not valid URI syntax (e.g. a raw space): take the path as written
      }
    }
    return Path.of(rest);
  }
}
