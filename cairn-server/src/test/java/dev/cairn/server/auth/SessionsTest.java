package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Hashing;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.identity.IdentityStore;
import dev.cairn.store.identity.SessionStore;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions stored in a SQLite database, on a clock the test moves: idle timeout, the use that extends it (written
 * at most once a minute), the maximum age, a token's expiry, sign-out, purging, and that only hashes are stored.
 */
class SessionsTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(1_000_000);
  SqlDatabase db;
  IdentityStore identity;
  SessionStore store;
  Sessions sessions;

  @BeforeEach
  void open() {
    db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(IdentityStore.MIGRATIONS));
    identity = IdentityStore.on(db);
    store = identity.sessions();
    sessions = new Sessions(store, now::get, Sessions.IDLE_MILLIS);
    identity.createUser("ada", "correct horse");
    identity.createUser("bob", "battery staple");
  }

  @AfterEach
  void close() {
    db.close();
  }

  long lastSeenInDatabase(String id) {
    return db.read(h -> h.createQuery("SELECT last_seen_time FROM identity_sessions WHERE session_sha256 = :id")
        .bind("id", sha256(id)).mapTo(Long.class).one());
  }

  static String sha256(String s) {
    return Hashing.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSessionUnusedForTheIdleTimeoutIsOver() {
    String id = sessions.create("ada");
    now.addAndGet(Sessions.IDLE_MILLIS - 1);
    assertThat(sessions.find(id)).map(Sessions.Session::user).contains("ada");
    now.addAndGet(Sessions.IDLE_MILLIS - 1); // the find above was a use: still alive
    assertThat(sessions.find(id)).isPresent();
    now.addAndGet(Sessions.IDLE_MILLIS);
    assertThat(sessions.find(id)).isEmpty();
    assertThat(store.count()).as("an expired session found is deleted").isZero();
  }

  @Test
  void aUseIsWrittenAtMostOnceAMinute() {
    String id = sessions.create("ada");
    long created = now.get();
    now.addAndGet(Sessions.TOUCH_MILLIS - 1);
    assertThat(sessions.find(id)).isPresent();
    assertThat(lastSeenInDatabase(id)).as("under a minute: not written").isEqualTo(created);
    now.incrementAndGet();
    assertThat(sessions.find(id)).isPresent();
    assertThat(lastSeenInDatabase(id)).isEqualTo(now.get());
    now.addAndGet(10);
    assertThat(sessions.find(id)).map(Sessions.Session::lastSeen).contains(now.get() - 10);
    assertThat(lastSeenInDatabase(id)).isEqualTo(now.get() - 10);
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
  void aSessionStartedWithATokenEndsWhenTheTokenExpiresOrIsRevoked() {
    long expires = now.get() + 5 * 60_000;
    String id = sessions.create("ada", "0123456789ab", expires);
    now.addAndGet(2 * Sessions.TOUCH_MILLIS);
    assertThat(sessions.find(id)).isPresent(); // a use: the expiry is not moved past the token's
    now.set(expires);
    assertThat(sessions.find(id)).isEmpty();
    IdentityStore.NewToken token = identity.createToken("bob", "ui", null);
    String other = sessions.create("bob", token.token().id(), null);
    String withPassword = sessions.create("bob");
    identity.revokeToken(token.token().id());
    assertThat(sessions.find(other)).as("revoking the token ends its session").isEmpty();
    assertThat(sessions.find(withPassword)).isPresent();
  }

  @Test
  void disablingAUserDeletesTheirSessionsOnly() {
    String ada = sessions.create("ada");
    String bob = sessions.create("bob");
    identity.setDisabled("ada", true);
    assertThat(sessions.find(ada)).isEmpty();
    assertThat(sessions.find(bob)).isPresent();
  }

  @Test
  void endingASessionForgetsItAndOnlyThatOne() {
    String a = sessions.create("ada");
    String b = sessions.create("ada");
    assertThat(a).isNotEqualTo(b).hasSize(43);
    assertThat(sessions.find(a).orElseThrow().csrf()).isNotEqualTo(sessions.find(b).orElseThrow().csrf());
    assertThat(sessions.end(a)).isTrue();
    assertThat(sessions.find(a)).isEmpty();
    assertThat(sessions.find(b)).isPresent();
    assertThat(sessions.end(a)).isFalse();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
  }

  @Test
  void theDatabaseHoldsOnlyHashesAndTheTokenIsCheckedAgainstItsHash() {
    String id = sessions.create("ada");
    Sessions.Session s = sessions.find(id).orElseThrow();
    List<String> row = db.read(h -> h.createQuery("SELECT session_sha256, csrf_sha256 FROM identity_sessions")
        .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2))).one());
    assertThat(row).containsExactly(sha256(id), sha256(s.csrf()));
    assertThat(String.join(" ", row)).doesNotContain(id, s.csrf());
    assertThat(s.csrfMatches(s.csrf())).isTrue();
    assertThat(s.csrfMatches(s.csrf() + "x")).isFalse();
    assertThat(s.csrfMatches(sha256(s.csrf()))).as("the stored hash is no token").isFalse();
    assertThat(s.csrfMatches(null)).isFalse();
    // a second server (another Sessions on the same store) derives the same token from the cookie
    assertThat(new Sessions(store, now::get, Sessions.IDLE_MILLIS).find(id).orElseThrow().csrf()).isEqualTo(s.csrf());
  }

  @Test
  void signingInPurgesExpiredSessions() {
    sessions.create("ada");
    sessions.create("bob");
    now.addAndGet(Sessions.IDLE_MILLIS);
    assertThat(store.count()).isEqualTo(2);
    String fresh = sessions.create("ada");
    assertThat(store.count()).isEqualTo(1);
    assertThat(sessions.find(fresh)).isPresent();
    now.addAndGet(Sessions.IDLE_MILLIS);
    assertThat(sessions.purge()).isEqualTo(1);
  }

  @Test
  void secretsCompareExactly() {
    assertThat(Sessions.same("abc", "abc")).isTrue();
    assertThat(Sessions.same("abc", "abd")).isFalse();
    assertThat(Sessions.same("abc", null)).isFalse();
    assertThat(Sessions.same(null, null)).isFalse();
  }
}
