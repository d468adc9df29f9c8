-- Tracking schema. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Ids: experiments are numeric (assigned by the store as max + 1 in the creating transaction), runs are
-- 32 hex chars. Times are epoch milliseconds. Booleans are SMALLINT 0/1 so both databases read them alike.

CREATE TABLE experiments (
  experiment_id     BIGINT       NOT NULL PRIMARY KEY,
  name              VARCHAR(500) NOT NULL,
  artifact_location VARCHAR(2000),
  lifecycle_stage   VARCHAR(16)  NOT NULL,
  creation_time     BIGINT       NOT NULL,
  last_update_time  BIGINT       NOT NULL,
  CONSTRAINT experiments_name_unique UNIQUE (name)
);

CREATE TABLE experiment_tags (
  experiment_id BIGINT       NOT NULL REFERENCES experiments (experiment_id),
  key           VARCHAR(250) NOT NULL,
  value         TEXT         NOT NULL,
  PRIMARY KEY (experiment_id, key)
);

CREATE TABLE runs (
  run_id          CHAR(32)     NOT NULL PRIMARY KEY,
  experiment_id   BIGINT       NOT NULL REFERENCES experiments (experiment_id),
  run_name        VARCHAR(250),
  user_id         VARCHAR(256),
  status          VARCHAR(16)  NOT NULL,
  start_time      BIGINT       NOT NULL,
  end_time        BIGINT,
  artifact_uri    VARCHAR(2000),
  lifecycle_stage VARCHAR(16)  NOT NULL,
  deleted_time    BIGINT
);
CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time DESC, run_id);

CREATE TABLE params (
  run_id CHAR(32)     NOT NULL REFERENCES runs (run_id),
  key    VARCHAR(250) NOT NULL,
  value  TEXT         NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX params_key_value ON params (key, value);

CREATE TABLE tags (
  run_id CHAR(32)     NOT NULL REFERENCES runs (run_id),
  key    VARCHAR(250) NOT NULL,
  value  TEXT         NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX tags_key ON tags (key);

-- Every logged point. NaN is stored as is_nan = 1 with value 0 (SQLite turns NaN into NULL).
CREATE TABLE metrics (
  run_id    CHAR(32)         NOT NULL,
  key       VARCHAR(250)     NOT NULL,
  step      BIGINT           NOT NULL,
  timestamp BIGINT           NOT NULL,
  value     DOUBLE PRECISION NOT NULL,
  is_nan    SMALLINT         NOT NULL
);
CREATE INDEX metrics_history ON metrics (run_id, key, step, timestamp);

-- The latest point of each (run, key): what get-run shows and what search filters and sorts on.
CREATE TABLE latest_metrics (
  run_id    CHAR(32)         NOT NULL REFERENCES runs (run_id),
  key       VARCHAR(250)     NOT NULL,
  step      BIGINT           NOT NULL,
  timestamp BIGINT           NOT NULL,
  value     DOUBLE PRECISION NOT NULL,
  is_nan    SMALLINT         NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE INDEX latest_metrics_key_value ON latest_metrics (key, value);

-- Datasets as MLflow's log-inputs sees them: unique per experiment by (name, digest).
CREATE TABLE datasets (
  dataset_id    CHAR(32)     NOT NULL PRIMARY KEY,
  experiment_id BIGINT       NOT NULL REFERENCES experiments (experiment_id),
  name          VARCHAR(500) NOT NULL,
  digest        VARCHAR(64)  NOT NULL,
  source_type   VARCHAR(36),
  source        TEXT,
  schema_json   TEXT,
  profile_json  TEXT,
  CONSTRAINT datasets_unique UNIQUE (experiment_id, name, digest)
);
CREATE INDEX datasets_name ON datasets (name);

CREATE TABLE run_inputs (
  input_id   CHAR(32) NOT NULL PRIMARY KEY,
  dataset_id CHAR(32) NOT NULL REFERENCES datasets (dataset_id),
  run_id     CHAR(32) NOT NULL REFERENCES runs (run_id),
  CONSTRAINT run_inputs_unique UNIQUE (dataset_id, run_id)
);
CREATE INDEX run_inputs_run ON run_inputs (run_id);

CREATE TABLE input_tags (
  input_id CHAR(32)     NOT NULL REFERENCES run_inputs (input_id),
  key      VARCHAR(255) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (input_id, key)
);
