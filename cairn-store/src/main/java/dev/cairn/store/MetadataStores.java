package dev.cairn.store;

import dev.cairn.core.CairnException;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.sql.SqlDatabases;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens the metadata store, or the database under it, that a URI names: {@code sqlite:PATH} or
 * {@code postgresql://HOST/DB?user=..}. The one place backend store URIs are read.
 */
public final class MetadataStores {
  static final String KNOWN = "known: sqlite:PATH, sqlite:///ABSOLUTE/PATH, jdbc:sqlite:PATH, "
      + "postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DB, jdbc:postgresql:...";

  private MetadataStores() {}

  /**
   * The tracking store alone (a process without other modules' tables, such as the CLI's tracking commands).
   *
   * @param uri the backend store URI: {@code sqlite:PATH} (also {@code sqlite:///PATH}, {@code jdbc:sqlite:PATH}),
   *     {@code postgresql://host:port/db?user=..&password=..} or {@code jdbc:postgresql:...}
   * @param artifactRoot the artifact store root URI new experiments get their default location under
   */
  public static MetadataStore open(String uri, String artifactRoot) {
    return open(openDatabase(uri, List.of()), artifactRoot);
  }

  /** The tracking store on an open database, which the store then owns (closing the store closes it). */
  public static MetadataStore open(SqlDatabase database, String artifactRoot) {
    return SqlDatabases.metadataStore(database, artifactRoot);
  }

  /**
   * Opens the database a backend store URI names, migrated in one Flyway run with the tracking migrations
   * and {@code moduleMigrations} (Flyway locations of the other modules whose tables live there, e.g.
   * the datasets module's). The caller closes it, after the stores built on it.
   */
  public static SqlDatabase openDatabase(String uri, List<String> moduleMigrations) {
    if (uri == null || uri.isBlank()) {
      throw CairnException.invalid("backend store URI is empty; " + KNOWN);
    }
    Optional<Path> sqlite = sqlitePath(uri);
    if (sqlite.isPresent()) {
      return SqlDatabases.sqlite(sqlite.get(), moduleMigrations);
    }
    if (uri.startsWith("jdbc:postgresql:")) {
      return SqlDatabases.postgres(uri, moduleMigrations);
    }
    if (uri.startsWith("postgresql:") || uri.startsWith("postgres:")) {
      return SqlDatabases.postgres(postgresJdbcUrl(uri), moduleMigrations);
    }
    throw CairnException.invalid("backend store URI '" + redact(uri) + "' has an unknown scheme; " + KNOWN);
  }

  /**
   * Opens the database a URI names for reading only, without migrating it: for a process that reads a data
   * folder while a server owns it, or a check that must change nothing ({@code cairn audit verify}). Writes fail
   * with {@code writesRefused}.
   */
  public static SqlDatabase openDatabaseReadOnly(String uri, String writesRefused) {
    Optional<Path> file = sqlitePath(uri);
    if (file.isPresent()) {
      return SqlDatabases.sqliteReadOnly(file.get(), writesRefused);
    }
    if (uri != null && uri.startsWith("jdbc:postgresql:")) {
      return SqlDatabases.postgresReadOnly(uri, writesRefused);
    }
    if (uri != null && (uri.startsWith("postgresql:") || uri.startsWith("postgres:"))) {
      return SqlDatabases.postgresReadOnly(postgresJdbcUrl(uri), writesRefused);
    }
    throw CairnException.invalid("backend store URI '" + redact(uri) + "' has an unknown scheme; " + KNOWN);
  }

  /**
   * Opens the database a backend store URI names for a command that only reads, when that needs no migration: a
   * SQLite file whose schema is exactly this build's opens read-only, without a pool, a writer or Flyway; one made
   * by an older or newer Cairn is refused with what to do (see {@link SqlDatabases#sqliteIfCurrent}). Empty for a
   * missing file, PostgreSQL, or a schema only Flyway can judge: open those with {@link #openDatabase}. Writes
   * through the database fail with {@code writesRefused}.
   */
  public static Optional<SqlDatabase> openDatabaseIfCurrent(String uri, List<String> moduleMigrations,
      String writesRefused) {
    Optional<Path> sqlite = uri == null ? Optional.empty() : sqlitePath(uri);
    return sqlite.isEmpty() ? Optional.empty()
        : SqlDatabases.sqliteIfCurrent(sqlite.get(), moduleMigrations, writesRefused);
  }

  /** Hides a password in a store URI ({@code user:secret@host}, {@code ?password=secret}) for messages. */
  public static String redact(String uri) {
    return uri == null ? "" : uri.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("(://[^/:@]*:)[^/@]*@", "$1***@");
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
    // user info is percent-encoded in the URI; the driver URL-decodes query values, so re-encode them
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostAndPath);
    url.append(hostAndPath.contains("?") ? '&' : '?').append("user=").append(encode(user));
    if (password != null) {
      url.append("&password=").append(encode(password));
    }
    return url.toString();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
