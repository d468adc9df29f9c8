package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A busy database is a 503 to retry (TEMPORARILY_UNAVAILABLE), on writes and reads alike; other errors are not. */
class SqlErrorsTest {
  @TempDir Path dir;

  /** A real SQLITE_BUSY: another connection holds the write lock and this one may not wait. */
  private Throwable busyError() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("busy.db");
    Properties noWait = new Properties();
    noWait.setProperty("busy_timeout", "0");
    try (Connection holder = DriverManager.getConnection(url); Statement h = holder.createStatement()) {
      h.execute("PRAGMA journal_mode=WAL");
      h.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)");
      h.execute("BEGIN IMMEDIATE");
      h.execute("INSERT INTO t VALUES (1)");
      try (Connection other = DriverManager.getConnection(url, noWait); Statement o = other.createStatement()) {
        Throwable e = catchThrowable(() -> o.execute("BEGIN IMMEDIATE"));
        assertThat(e).isNotNull();
        return e;
      } finally {
        h.execute("ROLLBACK");
      }
    }
  }

  @Test
  void busyWriteIsTemporarilyUnavailable() throws Exception {
    Throwable busy = new RuntimeException("group commit failed", busyError());
    CairnException e = SqlErrors.translate(busy);
    assertThat(e.code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
    assertThat(e.code().httpStatus()).isEqualTo(503);
    assertThat(e.getMessage()).contains("busy").contains("retry");
  }

  @Test
  void busyReadIsTemporarilyUnavailable() throws Exception {
    RuntimeException e = SqlErrors.translateRead(new IllegalStateException("wrapped", busyError()));
    assertThat(e).isInstanceOf(CairnException.class);
    assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE);
  }

  @Test
  void otherDatabaseErrorsAreNotMistakenForBusy() throws Exception {
    Throwable syntax;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("x.db"));
        Statement s = c.createStatement()) {
      syntax = catchThrowable(() -> s.execute("SELEKT 1"));
    }
    assertThat(SqlErrors.isBusy(syntax)).isFalse();
    assertThat(SqlErrors.translate(syntax).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    RuntimeException read = new IllegalStateException(syntax);
    assertThat(SqlErrors.translateRead(read)).isSameAs(read);
  }
}
