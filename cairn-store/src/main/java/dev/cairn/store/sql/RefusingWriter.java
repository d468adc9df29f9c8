package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.sql.PreparedStatement;
import org.jdbi.v3.core.Handle;

/** The writer of a database opened for reading only: every write is refused with the reason given. */
final class RefusingWriter implements Writer {
  private final String reason;

  RefusingWriter(String reason) {
    this.reason = reason;
  }

  @Override
  public <T> T write(Task<T> task) {
    throw new CairnException(ErrorCode.INVALID_STATE, reason);
  }

  @Override
  public PreparedStatement statement(Handle handle, String sql) {
    throw new CairnException(ErrorCode.INVALID_STATE, reason);
  }

  @Override
  public void close() {}
}
