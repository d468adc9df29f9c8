package dev.cairn.serving.protocol;

import dev.cairn.core.CairnException;

/**
 * How much one scoring request may carry; a request over a limit is refused before it is parsed further, with an
 * error naming the limit.
 *
 * @param maxRows rows per request
 * @param maxBodyBytes bytes of request body
 */
public record Limits(int maxRows, long maxBodyBytes) {
  /** 10,000 rows and 32 MiB per request. */
  public static final Limits DEFAULT = new Limits(10_000, 32L << 20);

  public Limits {
    if (maxRows < 1 || maxBodyBytes < 1) {
      throw CairnException.invalid("limits need at least 1 row and 1 byte, got " + maxRows + " rows and "
          + maxBodyBytes + " bytes");
    }
  }

  void checkBody(long bytes) {
    if (bytes > maxBodyBytes) {
      throw CairnException.invalid("request body is " + bytes + " bytes; the limit is " + maxBodyBytes + " bytes");
    }
  }

  void checkRows(long rows) {
    if (rows > maxRows) {
      throw CairnException.invalid("request has " + rows + " rows; the limit is " + maxRows + " rows per request");
    }
  }
}
