package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Session expiry on a clock the test moves: idle timeout, the use that extends it, the maximum age, sign-out. */
class SessionsTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final Sessions sessions = new Sessions(now::get, Sessions.IDLE_MILLIS);

  @Test
  void aSessionUnusedForTheIdleTimeoutIsOver() {
    String id = sessions.create("ada");
    now.addAndGet(Sessions.IDLE_MILLIS - 1);
    assertThat(sessions.find(id)).map(s -> s.user).contains("ada");
    now.addAndGet(Sessions.IDLE_MILLIS - 1); // the find above was a use: still alive
    assertThat(sessions.find(id)).isPresent();
    now.addAndGet(Sessions.IDLE_MILLIS);
    assertThat(sessions.find(id)).isEmpty();
    assertThat(sessions.size()).as("an expired session is dropped").isZero();
  }

  @Test
  void aBusySessionStillEndsAtItsMaximumAge() {
    String id = sessions.create("ada");
    for (long t = 0; t < Sessions.MAX_AGE_MILLIS - Sessions.IDLE_MILLIS; t += Sessions.IDLE_MILLIS / 2) {
      now.addAndGet(Sessions.IDLE_MILLIS / 2);
      assertThat(sessions.find(id)).isPresent();
    }
    now.addAndGet(Sessions.IDLE_MILLIS);
    assertThat(sessions.find(id)).isEmpty();
  }

  @Test
  void endingASessionForgetsItAndOnlyThatOne() {
    String a = sessions.create("ada");
    String b = sessions.create("ada");
    assertThat(a).isNotEqualTo(b).hasSize(43);
    assertThat(sessions.find(a).orElseThrow().csrf).isNotEqualTo(sessions.find(b).orElseThrow().csrf);
    assertThat(sessions.end(a)).isTrue();
    assertThat(sessions.find(a)).isEmpty();
    assertThat(sessions.find(b)).isPresent();
    assertThat(sessions.end(a)).isFalse();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
  }

  @Test
  void secretsCompareExactly() {
    assertThat(Sessions.same("abc", "abc")).isTrue();
    assertThat(Sessions.same("abc", "abd")).isFalse();
    assertThat(Sessions.same("abc", null)).isFalse();
    assertThat(Sessions.same(null, null)).isFalse();
  }

  @Test
  void aFullTableDropsTheLeastRecentlyUsedSession() {
    String first = sessions.create("u0");
    String second = sessions.create("u1");
    for (int i = 2; i < Sessions.MAX_SESSIONS; i++) {
      now.incrementAndGet();
      sessions.create("u" + i);
    }
    now.incrementAndGet();
    assertThat(sessions.find(first)).isPresent(); // used last now: the second is the least recently used
    String extra = sessions.create("extra");
    assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
    assertThat(sessions.find(second)).isEmpty();
    assertThat(sessions.find(first)).isPresent();
    assertThat(sessions.find(extra)).map(s -> s.user).contains("extra");
  }
}
