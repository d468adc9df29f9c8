package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;

/** Turns what escapes a write task into the one Cairn exception type. */
final class SqlErrors {
  private SqlErrors() {}

  static CairnException translate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CairnException c) {
        return c;
      }
    }
    return new CairnException(ErrorCode.INTERNAL_ERROR, "metadata store write failed: " + e, e);
  }
}
