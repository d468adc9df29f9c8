package dev.cairn.store;

import dev.cairn.core.CairnException;

/** Opens the metadata store a URI names: {@code sqlite:PATH} or {@code postgresql://HOST/DB?user=..}. */
public final class MetadataStores {
  private MetadataStores() {}

  /**
   * @param uri the backend store URI
   * @param artifactRoot the artifact store root URI new experiments get their default location under
   */
  public static MetadataStore open(String uri, String artifactRoot) {
    if (uri.startsWith("sqlite:")) {
      throw new UnsupportedOperationException("TODO: SQLite store");
    }
    if (uri.startsWith("postgresql:") || uri.startsWith("postgres:")) {
      throw new UnsupportedOperationException("TODO: PostgreSQL store");
    }
    throw CairnException.invalid(
        "backend store URI '" + uri + "' has an unknown scheme; known: sqlite:, postgresql:");
  }
}
