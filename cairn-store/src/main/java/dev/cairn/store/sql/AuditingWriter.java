package dev.cairn.store.sql;

import dev.cairn.store.Dialect;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.audit.AuditScope;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/**
 * Appends an audit event to every write submitted inside an {@link AuditScope}, in the write's own transaction
 * (savepoint): the scope is taken on the submitting thread, the task and then the append run wherever the inner
 * writer runs tasks, so a failed task leaves no event and a retried one appends once. Writes without a scope
 * pass straight through.
 */
final class AuditingWriter implements Writer {
  private final Writer inner;
  private final Dialect dialect;

  AuditingWriter(Writer inner, Dialect dialect) {
    this.inner = inner;
    this.dialect = dialect;
  }

  @Override
  public <T> T write(Task<T> task) {
    AuditScope scope = AuditScope.current();
    if (scope == null) {
      return inner.write(task);
    }
    AuditScope.Recording recording = scope.newRecording();
    return inner.write(h -> {
      try (AuditScope.Recording r = recording.open()) {
        T result = task.apply(h);
        AuditLog.append(h, dialect, inner::statement, r);
        return result;
      }
    });
  }

  @Override
  public PreparedStatement statement(Handle handle, String sql) throws SQLException {
    return inner.statement(handle, sql);
  }

  @Override
  public void close() {
    inner.close();
  }
}
