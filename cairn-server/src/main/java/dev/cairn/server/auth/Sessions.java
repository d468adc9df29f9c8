package dev.cairn.server.auth;

import dev.cairn.core.Hashing;
import dev.cairn.store.identity.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Signed-in browser sessions of the web UI, kept in the database ({@link SessionStore}) so they outlive a restart
 * and every server on the same database accepts them. The cookie carries a random 256-bit id; the database keeps
 * only its SHA-256 hash, so neither a copy of the database, a heap dump nor a log line holds a usable cookie.
 * Server-side entries were chosen over an HMAC-signed cookie because signing out (or the idle timeout, or
 * disabling the user) must end a session at once, which a self-contained signed value cannot do without a
 * revocation list, and because no signing secret then has to be kept, shared between servers and rotated.
 *
 * <p>The CSRF token is derived from the session id (SHA-256 of a fixed prefix and the id), so a server can put
 * it in the pages it renders without the database holding it; the database keeps the token's SHA-256, against
 * which a form's token is checked. Knowing the token tells nothing about the id (the hash is one-way).
 *
 * <p>A use is recorded (last seen, and the expiry it moves) at most once per {@link #TOUCH_MILLIS} per session,
 * not on every request: the idle timeout then counts from a use up to a minute older than the last one.
 */
final class Sessions {
  /** A session unused this long is over: the user signs in again. */
  static final long IDLE_MILLIS = 30 * 60_000L;
  /** However busy, a session ends this long after signing in. */
  static final long MAX_AGE_MILLIS = 12 * 3_600_000L;
  /** A session's use is written to the database at most this often. */
  static final long TOUCH_MILLIS = 60_000L;
  private static final String CSRF_PREFIX = "cairn-csrf\0";

  /**
   * One live session: its user and the synchronizer token its forms carry against cross-site requests.
   *
   * @param csrf the token itself, for the forms of the pages rendered in this session
   */
  record Session(String user, String csrf, String csrfSha256, long created, long lastSeen) {
    /** Whether a form or header carried this session's token (compared by hash, in constant time). */
    boolean csrfMatches(String given) {
      return given != null && same(csrfSha256, hash(given));
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SessionStore store;
  private final LongSupplier clock;
  private final long idleMillis;

  Sessions(SessionStore store) {
    this(store, System::currentTimeMillis, IDLE_MILLIS);
  }

  Sessions(SessionStore store, LongSupplier clock, long idleMillis) {
    this.store = store;
    this.clock = clock;
    this.idleMillis = idleMillis;
  }

  /** A random URL-safe secret of 256 bits (session ids and the sign-in form's token). */
  static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Starts a session for {@code user}; returns the cookie value (only the caller ever sees it). A session signed
   * in with an API token names it (revoking the token ends the session) and ends no later than the token expires.
   */
  String create(String user, String tokenId, Long tokenExpires) {
    long now = clock.getAsLong();
    String id = randomSecret();
    long expires = Math.min(now + idleMillis, now + MAX_AGE_MILLIS);
    if (tokenExpires != null) {
      expires = Math.min(expires, tokenExpires);
    }
    store.create(hash(id), user, hash(csrfOf(id)), tokenId, now, expires);
    return id;
  }

  String create(String user) {
    return create(user, null, null);
  }

  /** The live session a cookie names (its use recorded when the last record is a minute old), or empty. */
  Optional<Session> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = hash(id);
    SessionStore.StoredSession s = store.find(key).orElse(null);
    if (s == null) {
      return Optional.empty();
    }
    long now = clock.getAsLong();
    if (now >= s.expiresTime() || now - s.lastSeenTime() >= idleMillis || now - s.createdTime() >= MAX_AGE_MILLIS) {
      store.end(key);
      return Optional.empty();
    }
    long lastSeen = s.lastSeenTime();
    if (now - lastSeen >= TOUCH_MILLIS) {
      // the expiry never moves past the maximum age, nor past a token's expiry fixed at sign-in: an expiry sooner
      // than a full idle timeout after the last use was cut short by one of them, and stays
      long tokenCap = s.expiresTime() - s.lastSeenTime() < idleMillis ? s.expiresTime() : Long.MAX_VALUE;
      store.touch(key, now, Math.min(Math.min(now + idleMillis, s.createdTime() + MAX_AGE_MILLIS), tokenCap));
      lastSeen = now;
    }
    return Optional.of(new Session(s.user(), csrfOf(id), s.csrfSha256(), s.createdTime(), lastSeen));
  }

  /** Ends the session a cookie names; true if there was one. */
  boolean end(String id) {
    return id != null && !id.isEmpty() && store.end(hash(id));
  }

  /** Deletes the sessions already over (sign-in does this too, in its own write). */
  int purge() {
    return store.purgeExpired(clock.getAsLong());
  }

  /** The CSRF token of the session with this id: derived, never stored. */
  static String csrfOf(String id) {
    byte[] digest = Hashing.sha256().digest((CSRF_PREFIX + id).getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  private static String hash(String secret) {
    return Hashing.sha256Hex(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** Compares secrets in time that does not depend on where they differ. */
  static boolean same(String expected, String given) {
    return expected != null && given != null && MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
