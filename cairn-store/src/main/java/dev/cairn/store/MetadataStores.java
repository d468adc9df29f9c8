package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.store.sql.SqlDatabases;
import java.nio.file.Path;

/** Opens the metadata store a URI names: {@code sqlite:PATH} or {@code postgresql://HOST/DB?user=..}. */
public final class MetadataStores {
  private MetadataStores() {}

  /**
   * @param uri the backend store URI: {@code sqlite:PATH} (also {@code sqlite:///PATH}),
   *     {@code postgresql://host:port/db?user=..&password=..} or {@code jdbc:postgresql:...}
   * @param artifactRoot the artifact store root URI new experiments get their default location under
   */
  public static MetadataStore open(String uri, String artifactRoot) {
    if (uri == null) {
      throw CairnException.invalid("backend store URI is required; known schemes: sqlite:, postgresql:");
    }
    if (uri.startsWith("sqlite:")) {
      String path = uri.substring("sqlite:".length());
      if (path.startsWith("///")) {
        path = path.substring(2); // sqlite:///abs/path (MLflow's SQLAlchemy form) keeps one leading slash
      } else if (path.startsWith("//")) {
        path = path.substring(2);
      }
      if (path.isEmpty()) {
        throw CairnException.invalid("backend store URI '" + uri + "' has no file path; use sqlite:PATH");
      }
      return SqlDatabases.sqlite(Path.of(path), artifactRoot);
    }
    if (uri.startsWith("jdbc:sqlite:")) {
      return SqlDatabases.sqlite(Path.of(uri.substring("jdbc:sqlite:".length())), artifactRoot);
    }
    if (uri.startsWith("jdbc:postgresql:")) {
      return SqlDatabases.postgres(uri, artifactRoot);
    }
    if (uri.startsWith("postgresql:") || uri.startsWith("postgres:")) {
      String rest = uri.substring(uri.indexOf(':') + 1);
      return SqlDatabases.postgres("jdbc:postgresql:" + rest, artifactRoot);
    }
    throw CairnException.invalid(
        "backend store URI '" + uri + "' has an unknown scheme; known: sqlite:, postgresql:");
  }
}
