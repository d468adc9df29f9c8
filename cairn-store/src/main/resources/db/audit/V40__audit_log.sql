-- The tamper-evident audit log (dev.cairn.store.audit.AuditLog). Portable SQL: runs on SQLite and PostgreSQL.
-- Events are appended only; each carries the hash of the one before it. audit_head holds the sequence and hash
-- of the last event in one row: moved in the same transaction as each append, it orders concurrent writers on
-- PostgreSQL (row lock) and lets verification notice events removed from the end.

CREATE TABLE audit_events (
  sequence       BIGINT        NOT NULL PRIMARY KEY,
  time_ms        BIGINT        NOT NULL,
  actor          VARCHAR(256)  NOT NULL,
  action         VARCHAR(500)  NOT NULL,
  target         VARCHAR(1000),
  before_json    TEXT,
  after_json     TEXT,
  request_id     VARCHAR(128),
  source_address VARCHAR(256),
  previous_hash  CHAR(64)      NOT NULL,
  hash           CHAR(64)      NOT NULL
);

-- the filters of GET /api/cairn/v1/audit, each walked in sequence order
CREATE INDEX audit_events_actor ON audit_events (actor, sequence);
CREATE INDEX audit_events_target ON audit_events (target, sequence);
CREATE INDEX audit_events_time ON audit_events (time_ms);

CREATE TABLE audit_head (
  id            SMALLINT NOT NULL PRIMARY KEY,
  last_sequence BIGINT   NOT NULL,
  last_hash     CHAR(64) NOT NULL
);

INSERT INTO audit_head (id, last_sequence, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
