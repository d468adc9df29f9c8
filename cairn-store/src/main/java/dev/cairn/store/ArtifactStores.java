package dev.cairn.store;

import dev.cairn.core.CairnException;

/** Opens the artifact store a URI names: {@code file:PATH} or {@code s3://bucket/prefix}. */
public final class ArtifactStores {
  private ArtifactStores() {}

  public static ArtifactStore open(String uri) {
    if (uri.startsWith("file:")) {
      throw new UnsupportedOperationException("TODO: file store");
    }
    if (uri.startsWith("s3://")) {
      throw new UnsupportedOperationException("TODO: S3 store");
    }
    throw CairnException.invalid("artifacts URI '" + uri + "' has an unknown scheme; known: file:, s3://");
  }
}
