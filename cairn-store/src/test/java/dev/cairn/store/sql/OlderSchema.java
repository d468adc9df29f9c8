package dev.cairn.store.sql;

import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;

/**
 * Migration tests' setting: a database migrated only up to an older version and filled as that version's store
 * wrote it, then opened by today's store (which applies the later migrations) and handed to a check.
 */
final class OlderSchema {
  /** Rows as the older version stored them. */
  interface Seed {
    void into(Statement s) throws SQLException;
  }

  private OlderSchema() {}

  static void onSqlite(Path file, String version, Seed seed, Consumer<MetadataStore> check) throws Exception {
    String jdbc = "jdbc:sqlite:" + file;
    try (Connection c = DriverManager.getConnection(jdbc)) {
      migrateAndSeed(c, jdbc, null, null, version, seed);
    }
    try (MetadataStore store = MetadataStores.open("sqlite:" + file, "file:///tmp/a")) {
      check.accept(store);
    }
  }

  static void onPostgres(String version, Seed seed, Consumer<MetadataStore> check) throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
      String jdbc = pg.getJdbcUrl("postgres", "postgres");
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        migrateAndSeed(c, jdbc, "postgres", "", version, seed);
      }
      try (MetadataStore store = MetadataStores.open(jdbc, "file:///tmp/a")) {
        check.accept(store);
      }
    }
  }

  private static void migrateAndSeed(Connection c, String jdbc, String user, String password, String version,
      Seed seed) throws SQLException {
    Flyway.configure().dataSource(jdbc, user, password).locations("classpath:db/migration").target(version).load()
        .migrate();
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO experiments VALUES (0, 'Default', 'file:///tmp/a/0', 'active', 1, 1)");
      seed.into(s);
    }
  }
}
