package dev.cairn.client;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.ConnectException;
import java.util.function.Supplier;

/**
 * Retries a call, with doubling backoff, when the server certainly did not apply it: the connection was
 * refused, or the server answered 429/503. A timeout or a reset after sending is retried only for a call
 * that is idempotent (setting a value), since for others a retry could apply the call twice.
 */
final class Retry {
  private final int attempts;
  private final long firstBackoffMillis;
  private final boolean idempotent;

  Retry(int attempts, long firstBackoffMillis) {
    this(attempts, firstBackoffMillis, false);
  }

  Retry(int attempts, long firstBackoffMillis, boolean idempotent) {
    this.attempts = attempts;
    this.firstBackoffMillis = firstBackoffMillis;
    this.idempotent = idempotent;
  }

  static boolean isSafeToRetry(CairnException e) {
    boolean transientCode = e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE || e.code() == ErrorCode.TOO_MANY_REQUESTS;
    return transientCode && (e.getCause() == null || e.getCause() instanceof ConnectException);
  }

  <T> T call(Supplier<T> call) {
    long backoff = firstBackoffMillis;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (CairnException e) {
        if (attempt >= attempts || !(isSafeToRetry(e) || idempotent && BatchingLogger.isOutage(e))) {
          throw e;
        }
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while retrying a request");
      }
      backoff *= 2;
    }
  }

  void run(Runnable call) {
    call(() -> {
      call.run();
      return null;
    });
  }
}
