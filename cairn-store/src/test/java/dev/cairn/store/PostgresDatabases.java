package dev.cairn.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server for a test class, handing out a fresh database per test: a copy of a template
 * migrated once (copying is much faster than migrating every time), named {@code PREFIX_N}.
 */
public final class PostgresDatabases implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final String prefix;
  private final AtomicInteger made = new AtomicInteger();

  private PostgresDatabases(EmbeddedPostgres postgres, String prefix) {
    this.postgres = postgres;
    this.prefix = prefix;
  }

  /** Starts a server and migrates template {@code PREFIX_template} with {@code migrations} (beside the store's own). */
  public static PostgresDatabases start(String prefix, List<String> migrations) {
    try {
      PostgresDatabases databases = new PostgresDatabases(EmbeddedPostgres.start(), prefix);
      databases.execute("CREATE DATABASE " + prefix + "_template");
      MetadataStores.openDatabase(databases.uri(prefix + "_template"), migrations).close();
      return databases;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
    }
  }

  /** A new database copied from the migrated template; returns its name. */
  public String fresh() {
    String name = prefix + "_" + made.incrementAndGet();
    execute("CREATE DATABASE " + name + " TEMPLATE " + prefix + "_template");
    return name;
  }

  /** The backend store URI of database {@code name}. */
  public String uri(String name) {
    return "postgresql://localhost:" + postgres.getPort() + "/" + name + "?user=postgres";
  }

  /** A plain JDBC connection to database {@code name}, for tests that change rows behind the store's back. */
  public Connection connect(String name) throws SQLException {
    return postgres.getDatabase("postgres", name).getConnection();
  }

  public void execute(String sql) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
