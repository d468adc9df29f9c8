package dev.cairn.client;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.ConnectException;
import java.util.function.Supplier;

/**
 * Retries a call the server certainly did not apply: the connection was refused, or the server answered
 * 429/503. A timeout or a reset after sending is not retried, since log-batch is not idempotent and a
 * retry could duplicate metric points.
 */
final class Retry {
  private final int attempts;
  private final long firstBackoffMillis;

  Retry(int attempts, long firstBackoffMillis) {
    this.attempts = attempts;
    this.firstBackoffMillis = firstBackoffMillis;
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
        if (attempt >= attempts || !isSafeToRetry(e)) {
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
