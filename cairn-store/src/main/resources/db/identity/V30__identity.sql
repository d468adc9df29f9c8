-- Users, role grants and API tokens. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Times are epoch milliseconds; booleans are SMALLINT 0/1. Passwords are bcrypt hashes (never the password);
-- tokens are kept only as the SHA-256 of their secret, found by their short public id.

CREATE TABLE identity_users (
  name          VARCHAR(64)  NOT NULL PRIMARY KEY,
  password_hash VARCHAR(100),
  created_time  BIGINT       NOT NULL,
  disabled      SMALLINT     NOT NULL
);

-- One role per user and scope: granting again replaces it. scope_target is '' for the global scope.
CREATE TABLE identity_grants (
  user_name    VARCHAR(64)  NOT NULL REFERENCES identity_users (name),
  scope_kind   VARCHAR(32)  NOT NULL,
  scope_target VARCHAR(256) NOT NULL,
  role         VARCHAR(16)  NOT NULL,
  PRIMARY KEY (user_name, scope_kind, scope_target)
);

CREATE TABLE identity_tokens (
  token_id       VARCHAR(32)  NOT NULL PRIMARY KEY,
  user_name      VARCHAR(64)  NOT NULL REFERENCES identity_users (name),
  name           VARCHAR(128) NOT NULL,
  secret_sha256  CHAR(64)     NOT NULL,
  created_time   BIGINT       NOT NULL,
  expires_time   BIGINT,
  last_used_time BIGINT,
  revoked        SMALLINT     NOT NULL
);
CREATE INDEX identity_tokens_user ON identity_tokens (user_name);
