-- Signed-in web UI sessions, shared by every server on the database and kept across restarts. Portable SQL:
-- the same file runs on SQLite and PostgreSQL. Times are epoch milliseconds.
-- Only hashes are kept: the SHA-256 of the session id (the cookie) and of the session's CSRF token, so a copy
-- of the database signs no one in and forges no form. token_id names the API token a session was started
-- with (null for a password), so revoking that token ends the session too.
-- expires_time is the sooner of last_seen_time plus the idle timeout and created_time plus the maximum age.

CREATE TABLE identity_sessions (
  session_sha256 CHAR(64)    NOT NULL PRIMARY KEY,
  user_name      VARCHAR(64) NOT NULL REFERENCES identity_users (name),
  csrf_sha256    CHAR(64)    NOT NULL,
  token_id       VARCHAR(32),
  created_time   BIGINT      NOT NULL,
  last_seen_time BIGINT      NOT NULL,
  expires_time   BIGINT      NOT NULL
);
CREATE INDEX identity_sessions_user ON identity_sessions (user_name);
CREATE INDEX identity_sessions_expires ON identity_sessions (expires_time);
CREATE INDEX identity_sessions_token ON identity_sessions (token_id);
