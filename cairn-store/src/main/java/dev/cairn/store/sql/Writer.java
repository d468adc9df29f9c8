package dev.cairn.store.sql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/** Runs write tasks, each in a transaction (or a savepoint of a shared one): all of a task or none of it. */
interface Writer extends AutoCloseable {

  /** A unit of writing; it may throw to undo itself. */
  @FunctionalInterface
  interface Task<T> {
    T apply(Handle handle) throws Exception;
  }

  <T> T write(Task<T> task);

  /**
   * A JDBC statement for {@code sql} on the task's connection, for the logging hot path. The writer owns it:
   * callers bind every parameter, close any result set they open, and never close the statement. The SQLite
   * writer prepares each SQL text once and reuses it for every task (Jdbi would re-prepare it on every call).
   */
  PreparedStatement statement(Handle handle, String sql) throws SQLException;

  @Override
  void close();
}
