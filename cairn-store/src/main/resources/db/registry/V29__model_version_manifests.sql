-- Integrity of model versions: one row per version registered since manifests exist, written in the same
-- transaction that creates the version and never changed. status SIGNED: the canonical manifest of the
-- version's files in the server's artifact store, its SHA-256 and the server key's Ed25519 signature of it;
-- status NONE: the version has no manifest, and reason says why (files outside the artifact store, nothing
-- stored there at registration). Portable SQL for SQLite and PostgreSQL.

CREATE TABLE model_version_manifests (
  version_id      CHAR(32)    NOT NULL PRIMARY KEY REFERENCES model_versions (version_id) ON DELETE CASCADE,
  status          VARCHAR(16) NOT NULL,
  reason          TEXT,
  manifest        TEXT,
  sha256          CHAR(64),
  signature       VARCHAR(128),
  key_fingerprint VARCHAR(64),
  created_time    BIGINT      NOT NULL
);
