-- Model registry (MLflow-compatible). Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Models and versions have surrogate keys (32 hex chars) so a rename touches one row. Versions count from 1
-- per model: the creating write bumps registered_models.last_version (a row lock on PostgreSQL; SQLite has one
-- writer) and the unique (model_key, version) constraint is the last word. A deleted version stays as a row
-- with stage Deleted_Internal (its number is never reused), as MLflow's SQL store; deleting a model removes
-- it and everything under it. Times are epoch milliseconds.

CREATE TABLE registered_models (
  model_key         CHAR(32)     NOT NULL PRIMARY KEY,
  name              VARCHAR(256) NOT NULL,
  creation_time     BIGINT       NOT NULL,
  last_updated_time BIGINT       NOT NULL,
  description       TEXT,
  last_version      INTEGER      NOT NULL,
  CONSTRAINT registered_models_name_unique UNIQUE (name)
);

CREATE TABLE registered_model_tags (
  model_key CHAR(32)     NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  key       VARCHAR(250) NOT NULL,
  value     TEXT         NOT NULL,
  PRIMARY KEY (model_key, key)
);
CREATE INDEX registered_model_tags_key ON registered_model_tags (key);

CREATE TABLE model_versions (
  version_id        CHAR(32)     NOT NULL PRIMARY KEY,
  model_key         CHAR(32)     NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  version           INTEGER      NOT NULL,
  creation_time     BIGINT       NOT NULL,
  last_updated_time BIGINT       NOT NULL,
  user_id           VARCHAR(256),
  current_stage     VARCHAR(20)  NOT NULL,
  description       TEXT,
  source            TEXT         NOT NULL,
  run_id            VARCHAR(256),
  run_link          TEXT,
  status            VARCHAR(32)  NOT NULL,
  status_message    TEXT,
  logged_model_id   VARCHAR(256),
  CONSTRAINT model_versions_unique UNIQUE (model_key, version)
);
CREATE INDEX model_versions_run ON model_versions (run_id);
CREATE INDEX model_versions_stage ON model_versions (model_key, current_stage, version);

CREATE TABLE model_version_tags (
  version_id CHAR(32)     NOT NULL REFERENCES model_versions (version_id) ON DELETE CASCADE,
  key        VARCHAR(250) NOT NULL,
  value      TEXT         NOT NULL,
  PRIMARY KEY (version_id, key)
);
CREATE INDEX model_version_tags_key ON model_version_tags (key);

-- One holder per (model, alias): setting an alias replaces its row in the same write.
CREATE TABLE registered_model_aliases (
  model_key  CHAR(32)     NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  alias      VARCHAR(255) NOT NULL,
  version_id CHAR(32)     NOT NULL REFERENCES model_versions (version_id) ON DELETE CASCADE,
  PRIMARY KEY (model_key, alias)
);
CREATE INDEX registered_model_aliases_version ON registered_model_aliases (version_id);
