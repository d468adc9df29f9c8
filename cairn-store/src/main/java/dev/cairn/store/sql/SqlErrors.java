package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns what escapes a read or write into the one Cairn exception type. */
public final class SqlErrors {
  /** What a client is told when the database could not be had in time: retry, nothing was changed. */
  static final String BUSY = "the database is busy; nothing was written, retry in a moment";

  private SqlErrors() {}

  static CairnException translate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CairnException c) {
        return c;
      }
    }
    if (isBusy(e)) {
      return new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, BUSY, e);
    }
    return new CairnException(ErrorCode.INTERNAL_ERROR, "metadata store write failed: " + e, e);
  }

  /** A failed read: a busy database or an exhausted pool is a 503 to retry; anything else stays as it is. */
  static RuntimeException translateRead(RuntimeException e) {
    if (isBusy(e)) {
      return new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the database is busy; retry in a moment", e);
    }
    return e;
  }

  /**
   * SQLite's BUSY or LOCKED (any extended code: a lock not had within the busy timeout), PostgreSQL's
   * lock_not_available, or no pooled connection within the pool's timeout.
   */
  public static boolean isBusy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s) {
        int primary = s.getResultCode().code & 0xff;
        if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
          return true;
        }
      } else if (t instanceof SQLTransientConnectionException) {
        return true;
      } else if (t instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
