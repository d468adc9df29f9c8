package dev.cairn.store.search;

import dev.cairn.store.Dialect;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The search SQL on a SQLite file migrated by Flyway. */
class SqliteSearchSqlTest extends SearchSqlContract {
  @TempDir
  static Path dir;
  private static Jdbi jdbi;

  @BeforeAll
  static void migrate() {
    String url = "jdbc:sqlite:" + dir.resolve("search.db");
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();
    jdbi = Jdbi.create(url);
  }

  @Override
  protected Jdbi jdbi() {
    return jdbi;
  }

  @Override
  protected Dialect dialect() {
    return Dialect.SQLITE;
  }
}
