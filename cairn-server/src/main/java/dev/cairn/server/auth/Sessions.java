package dev.cairn.server.auth;

import dev.cairn.core.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Signed-in browser sessions of the web UI, kept in this server's memory. The cookie carries a random
 * 256-bit id; the server keeps only its SHA-256 hash, so neither a heap dump nor a log line holds a usable
 * cookie. Server-side entries were chosen over an HMAC-signed cookie because signing out (or the idle
 * timeout) must end a session at once, which a self-contained signed value cannot do without a revocation
 * list, and because no signing secret then has to be kept and rotated. The cost: a restart signs everyone
 * out, and several servers behind one address would need sticky sessions.
 */
final class Sessions {
  /** A session unused this long is over: the user signs in again. */
  static final long IDLE_MILLIS = 30 * 60_000L;
  /** However busy, a session ends this long after signing in. */
  static final long MAX_AGE_MILLIS = 12 * 3_600_000L;
  /** Sessions held at most; when full, expired ones are dropped and then the least recently used. */
  static final int MAX_SESSIONS = 10_000;

  /** One session: its user and the synchronizer token its forms carry against cross-site requests. */
  static final class Session {
    final String user;
    final String csrf;
    final long created;
    volatile long lastSeen;

    Session(String user, String csrf, long created) {
      this.user = user;
      this.csrf = csrf;
      this.created = created;
      this.lastSeen = created;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Map<String, Session> byHash = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long idleMillis;

  Sessions() {
    this(System::currentTimeMillis, IDLE_MILLIS);
  }

  Sessions(LongSupplier clock, long idleMillis) {
    this.clock = clock;
    this.idleMillis = idleMillis;
  }

  /** A random URL-safe secret of 256 bits (session ids and CSRF tokens). */
  static String randomSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Starts a session for {@code user}; returns the cookie value (only the caller ever sees it). */
  String create(String user) {
    long now = clock.getAsLong();
    if (byHash.size() >= MAX_SESSIONS) {
      byHash.values().removeIf(s -> expired(s, now));
      if (byHash.size() >= MAX_SESSIONS) {
        byHash.entrySet().stream().min(Map.Entry.comparingByValue((a, b) -> Long.compare(a.lastSeen, b.lastSeen)))
            .ifPresent(oldest -> byHash.remove(oldest.getKey()));
      }
    }
    String id = randomSecret();
    byHash.put(hash(id), new Session(user, randomSecret(), now));
    return id;
  }

  /** The live session a cookie names (and it counts as used now), or empty if unknown or expired. */
  Optional<Session> find(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    String key = hash(id);
    Session s = byHash.get(key);
    if (s == null) {
      return Optional.empty();
    }
    long now = clock.getAsLong();
    if (expired(s, now)) {
      byHash.remove(key, s);
      return Optional.empty();
    }
    s.lastSeen = now;
    return Optional.of(s);
  }

  /** Ends the session a cookie names; true if there was one. */
  boolean end(String id) {
    return id != null && byHash.remove(hash(id)) != null;
  }

  int size() {
    return byHash.size();
  }

  private boolean expired(Session s, long now) {
    return now - s.lastSeen >= idleMillis || now - s.created >= MAX_AGE_MILLIS;
  }

  private static String hash(String id) {
    return Hashing.sha256Hex(id.getBytes(StandardCharsets.UTF_8));
  }

  /** Compares secrets in time that does not depend on where they differ. */
  static boolean same(String expected, String given) {
    return expected != null && given != null && MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
