package dev.cairn.store.identity;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.identity.ApiToken;
import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import dev.cairn.identity.User;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Users, their role grants and their API tokens, in the shared database ({@link SqlDatabase}, migrated with
 * {@link #MIGRATIONS}). Passwords are kept as bcrypt hashes and tokens as the SHA-256 of their secret: a
 * copy of the database gives no one a working credential. Every change bumps {@link #changes()}, so caches
 * of who-may-do-what in this process can drop stale entries on the next request.
 */
public final class IdentityStore {
  /** Where Flyway finds this module's migrations (V30..V39); the database layer runs them. */
  public static final String MIGRATIONS = "classpath:db/identity";
  /** Every token secret starts with this, so a Basic password can be told from a token at a glance. */
  public static final String TOKEN_PREFIX = "cairn_";
  static final int MIN_PASSWORD_BYTES = 8;
  /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
  static final int MAX_PASSWORD_BYTES = 72;
  static final int BCRYPT_COST = 10;
  private static final int TOKEN_ID_BYTES = 6;
  private static final int TOKEN_SECRET_BYTES = 32;
  private static final Pattern TOKEN_SHAPE = Pattern.compile("cairn_([0-9a-f]{12})_[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SqlDatabase db;
  private final AtomicLong changes = new AtomicLong();
  private final SessionStore sessions;
  /** A hash of no one's password, checked when a user is unknown so that answer takes as long as a wrong one. */
  private volatile String decoyHash;

  private IdentityStore(SqlDatabase db) {
    this.db = db;
    this.sessions = new SessionStore(db);
  }

  /** The store on a database already open and migrated with {@link #MIGRATIONS}; closing the database is the caller's. */
  public static IdentityStore on(SqlDatabase database) {
    return new IdentityStore(database);
  }

  /** The signed-in UI sessions kept beside the users, on the same database. */
  public SessionStore sessions() {
    return sessions;
  }

  /** The id of the token a secret names by its shape ({@code cairn_ID_...}), or empty for anything else. */
  public static Optional<String> tokenIdOf(String secret) {
    java.util.regex.Matcher m = secret == null ? null : TOKEN_SHAPE.matcher(secret);
    return m != null && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** A new token: its metadata, and the secret, which exists only in this value and is never stored. */
  public record NewToken(ApiToken token, String secret) {
    @Override
    public String toString() {
      return "NewToken[" + token + ", secret=<hidden>]";
    }
  }

  /** How many changes this store has made since it was built; caches compare it to know they are current. */
  public long changes() {
    return changes.get();
  }

  // ---- users

  /** Creates a user; an existing name is RESOURCE_ALREADY_EXISTS. The password may be null (token-only user). */
  public User createUser(String name, String password) {
    User.requireValidName(name);
    String hash = password == null ? null : hash(password);
    long now = System.currentTimeMillis();
    int inserted = db.write(h -> h.createUpdate("INSERT INTO identity_users (name, password_hash, created_time, disabled)"
            + " VALUES (:name, :hash, :now, 0) ON CONFLICT (name) DO NOTHING")
        .bind("name", name).bind("hash", hash).bind("now", now).execute());
    if (inserted == 0) {
      throw CairnException.exists("user '" + name + "' already exists");
    }
    changes.incrementAndGet();
    return new User(name, now, false, hash != null);
  }

  /** Creates a user with a global role (the first admin; a user created with a role in one call). */
  public User createUserWithRole(String name, String password, Role role) {
    User user = createUser(name, password);
    grant(new RoleGrant(name, role, Scope.GLOBAL));
    return user;
  }

  public Optional<User> user(String name) {
    return db.read(h -> h.createQuery("SELECT name, password_hash, created_time, disabled FROM identity_users"
            + " WHERE name = :name")
        .bind("name", name).map((rs, ctx) -> user(rs)).findOne());
  }

  /** The user, or RESOURCE_DOES_NOT_EXIST naming it. */
  public User requireUser(String name) {
    return user(name).orElseThrow(() -> CairnException.notFound("user '" + name + "' does not exist"));
  }

  public List<User> users() {
    return db.read(h -> h.createQuery("SELECT name, password_hash, created_time, disabled FROM identity_users"
            + " ORDER BY name")
        .map((rs, ctx) -> user(rs)).list());
  }

  /** Whether some enabled user holds a global admin grant (else no one could manage users). */
  public boolean hasEnabledAdmin() {
    return db.read(h -> h.createQuery("SELECT COUNT(*) FROM identity_grants g JOIN identity_users u ON u.name ="
            + " g.user_name WHERE g.scope_kind = 'GLOBAL' AND g.role = 'ADMIN' AND u.disabled = 0")
        .mapTo(Long.class).one()) > 0;
  }

  public long userCount() {
    return db.read(h -> h.createQuery("SELECT COUNT(*) FROM identity_users").mapTo(Long.class).one());
  }

  /** Sets or replaces a user's password (null removes it: the user then signs in with tokens only). */
  public void setPassword(String name, String password) {
    String hash = password == null ? null : hash(password);
    updateUser(name, "UPDATE identity_users SET password_hash = :value WHERE name = :name", hash);
  }

  /**
   * Disables or enables a user; a disabled user's password and tokens are refused, and disabling deletes their
   * signed-in UI sessions in the same write, so no server on the database accepts them any more.
   */
  public void setDisabled(String name, boolean disabled) {
    int n = db.write(h -> {
      if (disabled) {
        h.createUpdate("DELETE FROM identity_sessions WHERE user_name = :name").bind("name", name).execute();
      }
      return h.createUpdate("UPDATE identity_users SET disabled = :value WHERE name = :name")
          .bind("name", name).bind("value", disabled ? 1 : 0).execute();
    });
    if (n == 0) {
      throw CairnException.notFound("user '" + name + "' does not exist");
    }
    changes.incrementAndGet();
  }

  private void updateUser(String name, String sql, Object value) {
    int n = db.write(h -> h.createUpdate(sql).bind("name", name).bind("value", value).execute());
    if (n == 0) {
      throw CairnException.notFound("user '" + name + "' does not exist");
    }
    changes.incrementAndGet();
  }

  /**
   * The user whose name and password these are, if they are enabled; otherwise empty, taking as long for an
   * unknown user as for a wrong password.
   */
  public Optional<User> checkPassword(String name, String password) {
    Optional<String> stored = db.read(h -> h.createQuery("SELECT password_hash FROM identity_users"
            + " WHERE name = :name AND disabled = 0")
        .bind("name", name).mapTo(String.class).findOne());
    byte[] bytes = password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_PASSWORD_BYTES) {
      return Optional.empty();
    }
    String hash = stored.orElse(null);
    boolean ok = BCrypt.checkpw(bytes, hash == null ? decoyHash() : hash) && hash != null;
    return ok ? user(name) : Optional.empty();
  }

  private String decoyHash() {
    String d = decoyHash;
    if (d == null) {
      byte[] random = new byte[16];
      RANDOM.nextBytes(random);
      d = BCrypt.hashpw(random, BCrypt.gensalt(BCRYPT_COST, RANDOM));
      decoyHash = d;
    }
    return d;
  }

  static String hash(String password) {
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_PASSWORD_BYTES || bytes.length > MAX_PASSWORD_BYTES) {
      throw CairnException.invalid("password has " + bytes.length + " bytes (UTF-8); use " + MIN_PASSWORD_BYTES
          + " to " + MAX_PASSWORD_BYTES + " (bcrypt reads no more than 72)");
    }
    return BCrypt.hashpw(bytes, BCrypt.gensalt(BCRYPT_COST, RANDOM));
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getString("name"), rs.getLong("created_time"), rs.getInt("disabled") != 0,
        rs.getString("password_hash") != null);
  }

  // ---- grants

  /** Gives a user a role over a scope, replacing the role they had over that scope. */
  public void grant(RoleGrant grant) {
    requireUser(grant.user());
    db.write(h -> {
      h.createUpdate("DELETE FROM identity_grants WHERE user_name = :user AND scope_kind = :kind"
              + " AND scope_target = :target")
          .bind("user", grant.user()).bind("kind", grant.scope().kind().name()).bind("target", grant.scope().target())
          .execute();
      return h.createUpdate("INSERT INTO identity_grants (user_name, scope_kind, scope_target, role)"
              + " VALUES (:user, :kind, :target, :role)")
          .bind("user", grant.user()).bind("kind", grant.scope().kind().name()).bind("target", grant.scope().target())
          .bind("role", grant.role().name()).execute();
    });
    changes.incrementAndGet();
  }

  /** Removes a user's role over a scope; false if they had none there. */
  public boolean revoke(String user, Scope scope) {
    int n = db.write(h -> h.createUpdate("DELETE FROM identity_grants WHERE user_name = :user AND scope_kind = :kind"
            + " AND scope_target = :target")
        .bind("user", user).bind("kind", scope.kind().name()).bind("target", scope.target()).execute());
    changes.incrementAndGet();
    return n > 0;
  }

  /** Every grant of a user, global first. */
  public List<RoleGrant> grants(String user) {
    return db.read(h -> grants(h, user));
  }

  private static List<RoleGrant> grants(Handle h, String user) {
    return h.createQuery("SELECT user_name, scope_kind, scope_target, role FROM identity_grants WHERE user_name = :user"
            + " ORDER BY CASE scope_kind WHEN 'GLOBAL' THEN 0 ELSE 1 END, scope_kind, scope_target")
        .bind("user", user)
        .map((rs, ctx) -> new RoleGrant(rs.getString("user_name"), Role.valueOf(rs.getString("role")),
            new Scope(Scope.Kind.valueOf(rs.getString("scope_kind")), rs.getString("scope_target"))))
        .list();
  }

  // ---- tokens

  /**
   * Makes a token for a user. The secret is returned once and stored only as its SHA-256.
   *
   * @param expiresTime epoch milliseconds after which the token is refused, or null for never
   */
  public NewToken createToken(String user, String name, Long expiresTime) {
    requireUser(user);
    long now = System.currentTimeMillis();
    if (expiresTime != null && expiresTime <= now) {
      throw CairnException.invalid("token expiry " + expiresTime + " is not in the future (now " + now + ")");
    }
    byte[] idBytes = new byte[TOKEN_ID_BYTES];
    RANDOM.nextBytes(idBytes);
    byte[] secretBytes = new byte[TOKEN_SECRET_BYTES];
    RANDOM.nextBytes(secretBytes);
    String id = HexFormat.of().formatHex(idBytes);
    String secret = TOKEN_PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    ApiToken token = new ApiToken(id, user, name, now, expiresTime, null, false);
    db.write(h -> h.createUpdate("INSERT INTO identity_tokens (token_id, user_name, name, secret_sha256, created_time,"
            + " expires_time, last_used_time, revoked) VALUES (:id, :user, :name, :sha, :now, :expires, NULL, 0)")
        .bind("id", id).bind("user", user).bind("name", token.name()).bind("sha", sha256(secret))
        .bind("now", now).bind("expires", expiresTime).execute());
    changes.incrementAndGet();
    return new NewToken(token, secret);
  }

  /** Whether a presented credential has the shape of a token secret (else it is a password). */
  public static boolean looksLikeToken(String secret) {
    return secret != null && secret.startsWith(TOKEN_PREFIX);
  }

  /**
   * The token a secret belongs to and its enabled owner, if the token is neither revoked nor expired at
   * {@code nowMillis}. The secret's hash is compared in constant time.
   */
  public Optional<ApiToken> checkToken(String secret, long nowMillis) {
    if (secret == null || !TOKEN_SHAPE.matcher(secret).matches()) {
      return Optional.empty();
    }
    String id = secret.substring(TOKEN_PREFIX.length(), TOKEN_PREFIX.length() + 2 * TOKEN_ID_BYTES);
    byte[] presented = sha256(secret).getBytes(StandardCharsets.US_ASCII);
    return db.read(h -> h.createQuery("SELECT t.token_id, t.user_name, t.name, t.secret_sha256, t.created_time,"
                + " t.expires_time, t.last_used_time, t.revoked FROM identity_tokens t"
                + " JOIN identity_users u ON u.name = t.user_name WHERE t.token_id = :id AND u.disabled = 0")
            .bind("id", id)
            .map((rs, ctx) -> MessageDigest.isEqual(presented,
                rs.getString("secret_sha256").getBytes(StandardCharsets.US_ASCII)) ? token(rs) : null)
            .findOne())
        .filter(t -> t != null && t.isUsableAt(nowMillis));
  }

  /** Records that a token was used at {@code nowMillis} (callers do this at most now and then, it is a write). */
  public void touchToken(String id, long nowMillis) {
    db.write(h -> h.createUpdate("UPDATE identity_tokens SET last_used_time = :now WHERE token_id = :id")
        .bind("id", id).bind("now", nowMillis).execute());
  }

  public Optional<ApiToken> token(String id) {
    return db.read(h -> h.createQuery("SELECT token_id, user_name, name, secret_sha256, created_time, expires_time,"
            + " last_used_time, revoked FROM identity_tokens WHERE token_id = :id")
        .bind("id", id).map((rs, ctx) -> token(rs)).findOne());
  }

  /** A user's tokens, or everyone's when {@code user} is null; newest first. */
  public List<ApiToken> tokens(String user) {
    String select = "SELECT token_id, user_name, name, secret_sha256, created_time, expires_time, last_used_time,"
        + " revoked FROM identity_tokens";
    String order = " ORDER BY created_time DESC, token_id";
    return db.read(h -> user == null
        ? h.createQuery(select + order).map((rs, ctx) -> token(rs)).list()
        : h.createQuery(select + " WHERE user_name = :user" + order).bind("user", user).map((rs, ctx) -> token(rs)).list());
  }

  /**
   * Revokes a token, and ends the UI sessions signed in with it in the same write; RESOURCE_DOES_NOT_EXIST if
   * there is no such token. Revoking twice is harmless.
   */
  public ApiToken revokeToken(String id) {
    int n = db.write(h -> {
      h.createUpdate("DELETE FROM identity_sessions WHERE token_id = :id").bind("id", id).execute();
      return h.createUpdate("UPDATE identity_tokens SET revoked = 1 WHERE token_id = :id").bind("id", id).execute();
    });
    changes.incrementAndGet();
    if (n == 0) {
      throw CairnException.notFound("token '" + id + "' does not exist");
    }
    return token(id).orElseThrow();
  }

  private static ApiToken token(ResultSet rs) throws SQLException {
    long expires = rs.getLong("expires_time");
    Long expiresTime = rs.wasNull() ? null : expires;
    long used = rs.getLong("last_used_time");
    Long lastUsed = rs.wasNull() ? null : used;
    return new ApiToken(rs.getString("token_id"), rs.getString("user_name"), rs.getString("name"),
        rs.getLong("created_time"), expiresTime, lastUsed, rs.getInt("revoked") != 0);
  }

  static String sha256(String secret) {
    return Hashing.sha256Hex(secret.getBytes(StandardCharsets.UTF_8));
  }
}
