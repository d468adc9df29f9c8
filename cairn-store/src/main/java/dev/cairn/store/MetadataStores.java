package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.store.sql.SqlDatabases;
import java.nio.file.Path;
import java.util.Optional;

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
    Optional<Path> sqlite = sqlitePath(uri);
    if (sqlite.isPresent()) {
      return SqlDatabases.sqlite(sqlite.get(), artifactRoot);
    }
    if (uri.startsWith("jdbc:postgresql:")) {
      return SqlDatabases.postgres(uri, artifactRoot);
    }
    if (uri.startsWith("postgresql:") || uri.startsWith("postgres:")) {
      return SqlDatabases.postgres(postgresJdbcUrl(uri), artifactRoot);
    }
    throw CairnException.invalid(
        "backend store URI '" + uri + "' has an unknown scheme; known: sqlite:, postgresql:");
  }

  /**
   * The database file a SQLite URI names ({@code sqlite:PATH}, {@code sqlite:///ABS}, {@code jdbc:sqlite:PATH}),
   * relative paths as given; empty for other schemes. The one place SQLite URIs are read.
   */
  public static Optional<Path> sqlitePath(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    String path;
    if (uri.startsWith("jdbc:sqlite:")) {
      path = uri.substring("jdbc:sqlite:".length());
    } else if (uri.startsWith("sqlite:")) {
      path = uri.substring("sqlite:".length());
      if (path.startsWith("///")) {
        path = path.substring(2); // sqlite:///abs/path (MLflow's SQLAlchemy form) keeps one leading slash
      } else if (path.startsWith("//")) {
        path = path.substring(2);
      }
    } else {
      return Optional.empty();
    }
    if (path.isEmpty()) {
      throw CairnException.invalid("backend store URI '" + uri + "' has no file path; use sqlite:PATH");
    }
    return Optional.of(Path.of(path));
  }

  /**
   * {@code postgresql://[user[:password]@]host[:port]/db[?params]} (libpq's form, which MLflow users write) to the
   * JDBC form; user and password move to query parameters, which is where the JDBC driver reads them.
   */
  static String postgresJdbcUrl(String uri) {
    String rest = uri.substring(uri.indexOf(':') + 1);
    if (!rest.startsWith("//")) {
      return "jdbc:postgresql:" + rest;
    }
    String authorityAndPath = rest.substring(2);
    int at = authorityAndPath.indexOf('@');
    int slash = authorityAndPath.indexOf('/');
    if (at < 0 || (slash >= 0 && at > slash)) {
      return "jdbc:postgresql:" + rest;
    }
    String userInfo = authorityAndPath.substring(0, at);
    String hostAndPath = authorityAndPath.substring(at + 1);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    String password = colon < 0 ? null : userInfo.substring(colon + 1);
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostAndPath);
    url.append(hostAndPath.contains("?") ? '&' : '?').append("user=").append(user);
    if (password != null) {
      url.append("&password=").append(password);
    }
    return url.toString();
  }
}
