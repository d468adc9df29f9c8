package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * PostgreSQL writes: one transaction per task on a pooled connection, retried when the database reports a
 * serialization failure or a deadlock (tasks touch rows in key order, so these are rare).
 */
final class PooledWriter implements Writer {
  private static final int ATTEMPTS = 5;
  private final Jdbi jdbi;

  PooledWriter(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public <T> T write(Task<T> task) {
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(task::apply);
      } catch (CairnException e) {
        throw e;
      } catch (Exception e) {
        if (attempt < ATTEMPTS && isTransient(e)) {
          continue;
        }
        throw SqlErrors.translate(e);
      }
    }
  }

  /** Prepared per task (a handle lives for one transaction); pgjdbc caches the server-side plan per connection. */
  @Override
  public PreparedStatement statement(Handle handle, String sql) throws SQLException {
    PreparedStatement ps = handle.getConnection().prepareStatement(sql);
    handle.addCleanable(ps::close);
    return ps;
  }

  private static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() {}
}
