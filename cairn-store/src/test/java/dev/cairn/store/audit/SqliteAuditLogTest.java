package dev.cairn.store.audit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The audit contract on a SQLite file: the single writer's group commits put each event in its task's savepoint. */
class SqliteAuditLogTest extends AuditLogContract {
  @TempDir
  Path dir;

  @Override
  protected String newDatabaseUri() {
    return "sqlite:" + dir.resolve("cairn.db");
  }

  @Override
  protected Connection direct() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
  }
}
