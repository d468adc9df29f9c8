-- Dataset versioning. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- A version's content is a manifest (path, size, sha256 per file) stored as a content-addressed blob;
-- manifest_sha256 is the version's content hash. Versions count from 1 per dataset name; the unique
-- constraint on (name, version) is the last word when two writers race (the loser retries).
-- Times are epoch milliseconds.

CREATE TABLE dataset_names (
  name             VARCHAR(256) NOT NULL PRIMARY KEY,
  creation_time    BIGINT       NOT NULL,
  last_update_time BIGINT       NOT NULL
);

CREATE TABLE dataset_versions (
  version_id      CHAR(32)      NOT NULL PRIMARY KEY,
  name            VARCHAR(256)  NOT NULL REFERENCES dataset_names (name),
  version         INTEGER       NOT NULL,
  parent_version  INTEGER,
  author          VARCHAR(256),
  message         TEXT,
  created_time    BIGINT        NOT NULL,
  total_size      BIGINT        NOT NULL,
  row_count       BIGINT,
  file_count      INTEGER       NOT NULL,
  manifest_sha256 CHAR(64)      NOT NULL,
  storage_uri     VARCHAR(2000) NOT NULL,
  schema_json     TEXT,
  profile_json    TEXT,
  CONSTRAINT dataset_versions_unique UNIQUE (name, version)
);
CREATE INDEX dataset_versions_name_manifest ON dataset_versions (name, manifest_sha256);
CREATE INDEX dataset_versions_manifest ON dataset_versions (manifest_sha256);

CREATE TABLE dataset_version_tags (
  version_id CHAR(32)     NOT NULL REFERENCES dataset_versions (version_id),
  key        VARCHAR(250) NOT NULL,
  value      TEXT         NOT NULL,
  PRIMARY KEY (version_id, key)
);
