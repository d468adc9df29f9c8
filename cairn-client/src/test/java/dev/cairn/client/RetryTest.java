package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  @Test
  void retriesRefusedConnectionsAndOverloadUntilTheCallSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    String result = new Retry(4, 1).call(() -> {
      switch (calls.incrementAndGet()) {
        case 1 -> throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "refused", new ConnectException());
        case 2 -> throw new CairnException(ErrorCode.TOO_MANY_REQUESTS, "HTTP 429");
        default -> {
          return "ok";
        }
      }
    });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
  }

  @Test
  void doesNotRetryWhatTheServerMayHaveApplied() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> new Retry(4, 1).run(() -> {
      calls.incrementAndGet();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "timed out", new HttpTimeoutException("t"));
    })).hasMessage("timed out");
    assertThat(calls).hasValue(1);
    assertThatThrownBy(() -> new Retry(4, 1).run(() -> {
      calls.incrementAndGet();
      throw CairnException.invalid("bad key");
    })).hasMessage("bad key");
    assertThat(calls).hasValue(2);
  }

  @Test
  void retriesATimeoutOnlyForAnIdempotentCall() {
    AtomicInteger calls = new AtomicInteger();
    String result = new Retry(4, 1, true).call(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "timed out", new HttpTimeoutException("t"));
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(2);
    assertThatThrownBy(() -> new Retry(4, 1, true).run(() -> {
      calls.incrementAndGet();
      throw CairnException.invalid("bad key");
    })).hasMessage("bad key");
    assertThat(calls).hasValue(3);
  }

  @Test
  void givesUpAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> new Retry(3, 1).run(() -> {
      calls.incrementAndGet();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "HTTP 503");
    })).hasMessage("HTTP 503");
    assertThat(calls).hasValue(3);
  }
}
