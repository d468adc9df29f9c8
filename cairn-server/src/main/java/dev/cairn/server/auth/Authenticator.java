package dev.cairn.server.auth;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.identity.ApiToken;
import dev.cairn.identity.User;
import dev.cairn.store.identity.IdentityStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Turns an {@code Authorization} header into a {@link Principal}: HTTP Basic with a user and a password or a
 * token (what MLflow clients send from {@code MLFLOW_TRACKING_USERNAME}/{@code _PASSWORD}) or Bearer with a
 * token ({@code MLFLOW_TRACKING_TOKEN}). Accepted credentials are remembered for a few seconds, keyed by a
 * hash of the header, so bcrypt and the database are not asked on every request; any change to users,
 * grants or tokens in this process (a revocation) empties that memory before the next request.
 */
final class Authenticator {
  /** How long an accepted credential is trusted without asking the store again. */
  static final long CACHE_MILLIS = 5_000;
  static final int MAX_CACHED = 10_000;
  /** Last-used times of tokens are written at most this often (each is a database write). */
  static final long TOUCH_MILLIS = 60_000;
  static final String REALM = "Basic realm=\"cairn\", charset=\"UTF-8\"";
  static final String INVALID = "invalid credentials: the user name, password or token is wrong, expired,"
      + " revoked or disabled";

  private record Cached(Principal principal, long changes, long expiresMillis) {}

  /** An accepted credential and until when it may be trusted (a token's expiry cuts the cache time short). */
  private record Accepted(Principal principal, long validUntilMillis) {}

  private final IdentityStore store;
  private final FailedLogins failures = new FailedLogins();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, Long> touched = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Optional<Accepted>>> inFlight = new ConcurrentHashMap<>();

  Authenticator(IdentityStore store) {
    this.store = store;
  }

  /**
   * The principal the header names. Throws UNAUTHENTICATED (missing or wrong credentials; wrong password and
   * unknown user answer alike) or TOO_MANY_REQUESTS (too many failures for this user or address recently).
   */
  Principal authenticate(String header, String address, BiConsumer<String, String> responseHeaders) {
    if (header == null || header.isBlank()) {
      responseHeaders.accept("WWW-Authenticate", REALM);
      throw new CairnException(ErrorCode.UNAUTHENTICATED, "authentication required: send HTTP Basic credentials"
          + " (user and password or token) or a Bearer token");
    }
    long now = System.currentTimeMillis();
    String user = basicUser(header);
    requireNotBlocked("address", address, now, responseHeaders);
    if (user != null) {
      requireNotBlocked("user", user, now, responseHeaders);
    }
    String key = Hashing.sha256Hex(header.getBytes(StandardCharsets.UTF_8));
    Cached hit = cache.get(key);
    long changes = store.changes();
    if (hit != null && hit.changes() == changes && now < hit.expiresMillis()) {
      return hit.principal();
    }
    Optional<Accepted> accepted = checkOnce(key, header, now);
    if (accepted.isEmpty()) {
      failures.recordFailure("address:" + address, now);
      if (user != null) {
        failures.recordFailure("user:" + user, now);
      }
      responseHeaders.accept("WWW-Authenticate", REALM);
      throw new CairnException(ErrorCode.UNAUTHENTICATED, INVALID);
    }
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, new Cached(accepted.get().principal(), changes,
        Math.min(now + CACHE_MILLIS, accepted.get().validUntilMillis())));
    return accepted.get().principal();
  }

  /**
   * Signs in as the UI's form does: a user with a password or token, or a token alone (blank user), checked as
   * the same Basic or Bearer header would be, so failures count against the same rate limit.
   */
  Principal signIn(String user, String secret, String address) {
    String header = user.isEmpty() ? "Bearer " + secret
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return authenticate(header, address, (name, value) -> { });
  }

  /**
   * The principal of a signed-in session's user, with their grants as now; empty once the user is disabled or
   * deleted. Cached like credentials, so a session's requests do not each read the store.
   */
  Optional<Principal> sessionPrincipal(String user) {
    long now = System.currentTimeMillis();
    String key = "session:" + user; // never a header's hash (64 hex digits)
    long changes = store.changes();
    Cached hit = cache.get(key);
    if (hit != null && hit.changes() == changes && now < hit.expiresMillis()) {
      return Optional.of(hit.principal());
    }
    Optional<User> found = store.user(user).filter(u -> !u.disabled());
    if (found.isEmpty()) {
      cache.remove(key);
      return Optional.empty();
    }
    Principal p = principalOf(user);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, new Cached(p, changes, now + CACHE_MILLIS));
    return Optional.of(p);
  }

  /**
   * Checks a credential, once for all requests carrying the same header at the same moment: when the cache
   * entry of a busy client expires, its concurrent requests wait for one bcrypt instead of each running one.
   */
  private Optional<Accepted> checkOnce(String key, String header, long now) {
    CompletableFuture<Optional<Accepted>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Accepted>> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      Optional<Accepted> accepted = check(header, now);
      mine.complete(accepted);
      return accepted;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private void requireNotBlocked(String what, String who, long now, BiConsumer<String, String> responseHeaders) {
    long wait = failures.blockedFor(what + ":" + who, now);
    if (wait > 0) {
      long seconds = (wait + 999) / 1000;
      responseHeaders.accept("Retry-After", Long.toString(seconds));
      throw new CairnException(ErrorCode.TOO_MANY_REQUESTS, "too many failed sign-ins for this " + what
          + "; try again in " + seconds + " s (the limit is " + FailedLogins.MAX_FAILURES + " failures a minute)");
    }
  }

  private Optional<Accepted> check(String header, long now) {
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    String value = space < 0 ? "" : header.substring(space + 1).strip();
    if (scheme.equalsIgnoreCase("Bearer")) {
      return byToken(value, null, now);
    }
    if (!scheme.equalsIgnoreCase("Basic")) {
      return Optional.empty();
    }
    String[] userAndSecret = decodeBasic(value);
    if (userAndSecret == null) {
      return Optional.empty();
    }
    String user = userAndSecret[0];
    String secret = userAndSecret[1];
    if (IdentityStore.looksLikeToken(secret)) {
      return byToken(secret, user, now);
    }
    return store.checkPassword(user, secret).map(u -> new Accepted(principalOf(u.name()), Long.MAX_VALUE));
  }

  /** A token's owner; with Basic, the user name sent must be the owner's (MLflow clients always send one). */
  private Optional<Accepted> byToken(String secret, String claimedUser, long now) {
    Optional<ApiToken> token = store.checkToken(secret, now);
    if (token.isEmpty() || (claimedUser != null && !claimedUser.equals(token.get().user()))) {
      return Optional.empty();
    }
    ApiToken t = token.get();
    Long last = touched.get(t.id());
    if (last == null || now - last >= TOUCH_MILLIS) {
      if (touched.size() >= MAX_CACHED) {
        touched.clear();
      }
      touched.put(t.id(), now);
      store.touchToken(t.id(), now);
    }
    return Optional.of(new Accepted(principalOf(t.user()), t.expiresTime() == null ? Long.MAX_VALUE : t.expiresTime()));
  }

  private Principal principalOf(String user) {
    return Principal.of(user, store.grants(user));
  }

  /** The user name of a Basic header, for rate limiting; null for other schemes or a malformed value. */
  private static String basicUser(String header) {
    if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String[] pair = decodeBasic(header.substring(6).strip());
    return pair == null ? null : pair[0];
  }

  private static String[] decodeBasic(String value) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String user = decoded.substring(0, colon);
    try {
      User.requireValidName(user);
    } catch (CairnException e) {
      return null;
    }
    return new String[] {user, decoded.substring(colon + 1)};
  }

  IdentityStore store() {
    return store;
  }

  FailedLogins failures() {
    return failures;
  }
}
