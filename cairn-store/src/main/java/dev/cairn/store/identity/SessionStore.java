package dev.cairn.store.identity;

import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.sql.SqlDatabase;
import java.util.Optional;

/**
 * Signed-in web UI sessions in the shared database (table {@code identity_sessions}, migrated with
 * {@link IdentityStore#MIGRATIONS}), so a session outlives a restart and every server on the database accepts
 * it. The store sees only SHA-256 hashes of the session id and of its CSRF token, never the secrets: the caller
 * hashes them, and a copy of the table signs no one in. Disabling a user or revoking the token a session was
 * started with deletes the session in the same write ({@link IdentityStore#setDisabled},
 * {@link IdentityStore#revokeToken}). Its writes are bookkeeping of a request, never the change a request asks
 * for, so none is audited.
 */
public final class SessionStore {
  private final SqlDatabase db;

  SessionStore(SqlDatabase db) {
    this.db = db;
  }

  /**
   * One stored session.
   *
   * @param user the signed-in user's name
   * @param csrfSha256 the SHA-256 (hex) of the session's CSRF token
   * @param tokenId the API token it was started with, or null for a password
   * @param expiresTime epoch milliseconds after which it is over (idle timeout or maximum age, whichever is sooner)
   */
  public record StoredSession(String user, String csrfSha256, String tokenId, long createdTime, long lastSeenTime,
      long expiresTime) {}

  /**
   * Stores a new session and, in the same write, deletes every session already over at {@code now}: signing in
   * is when the table is tidied, so expired rows do not pile up without a background task.
   */
  public void create(String sessionSha256, String user, String csrfSha256, String tokenId, long now, long expires) {
    AuditScope.unaudited(() -> db.write(h -> {
      h.createUpdate("DELETE FROM identity_sessions WHERE expires_time <= :now").bind("now", now).execute();
      return h.createUpdate("INSERT INTO identity_sessions (session_sha256, user_name, csrf_sha256, token_id,"
              + " created_time, last_seen_time, expires_time) VALUES (:id, :user, :csrf, :token, :now, :now, :expires)")
          .bind("id", sessionSha256).bind("user", user).bind("csrf", csrfSha256).bind("token", tokenId)
          .bind("now", now).bind("expires", expires).execute();
    }));
  }

  /** The session with this id hash, expired or not (the caller judges expiry on its clock). */
  public Optional<StoredSession> find(String sessionSha256) {
    return db.read(h -> h.createQuery("SELECT user_name, csrf_sha256, token_id, created_time, last_seen_time,"
            + " expires_time FROM identity_sessions WHERE session_sha256 = :id")
        .bind("id", sessionSha256)
        .map((rs, ctx) -> new StoredSession(rs.getString("user_name"), rs.getString("csrf_sha256"),
            rs.getString("token_id"), rs.getLong("created_time"), rs.getLong("last_seen_time"),
            rs.getLong("expires_time")))
        .findOne());
  }

  /** Records a use: the last-seen time and the expiry it moves. */
  public void touch(String sessionSha256, long now, long expires) {
    AuditScope.unaudited(() -> db.write(h -> h.createUpdate("UPDATE identity_sessions SET last_seen_time = :now,"
            + " expires_time = :expires WHERE session_sha256 = :id")
        .bind("id", sessionSha256).bind("now", now).bind("expires", expires).execute()));
  }

  /** Deletes the session (signing out, or found expired); true if there was one. */
  public boolean end(String sessionSha256) {
    return AuditScope.unaudited(() -> db.write(h -> h.createUpdate(
            "DELETE FROM identity_sessions WHERE session_sha256 = :id")
        .bind("id", sessionSha256).execute())) > 0;
  }

  /** Deletes every session over at {@code now}; returns how many. */
  public int purgeExpired(long now) {
    return AuditScope.unaudited(() -> db.write(h -> h.createUpdate(
            "DELETE FROM identity_sessions WHERE expires_time <= :now")
        .bind("now", now).execute()));
  }

  /** How many sessions are stored, expired ones included until purged. */
  public long count() {
    return db.read(h -> h.createQuery("SELECT COUNT(*) FROM identity_sessions").mapTo(Long.class).one());
  }
}
