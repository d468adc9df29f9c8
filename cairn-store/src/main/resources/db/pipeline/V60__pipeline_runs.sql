-- Pipeline runs, step runs, their artifacts and the step cache index. Portable SQL: the same file runs on SQLite
-- and PostgreSQL. A pipeline run and each step run are also MLflow runs (same ids; a step's run carries the
-- mlflow.parentRunId tag), so these tables hold what MLflow's have no place for. Times are epoch milliseconds.

CREATE TABLE pipeline_runs (
  run_id            CHAR(32)      NOT NULL PRIMARY KEY,
  pipeline_name     VARCHAR(256)  NOT NULL,
  experiment_id     VARCHAR(32)   NOT NULL,
  definition_sha256 CHAR(64)      NOT NULL,
  definition_json   TEXT          NOT NULL,
  status            VARCHAR(16)   NOT NULL,
  start_time        BIGINT        NOT NULL,
  end_time          BIGINT,
  error             TEXT,
  attempts          INTEGER       NOT NULL
);
CREATE INDEX pipeline_runs_name_start ON pipeline_runs (pipeline_name, start_time);

-- One row per attempt of a step; a resumed run adds rows with the next attempt number.
CREATE TABLE pipeline_step_runs (
  step_run_id     CHAR(32)      NOT NULL PRIMARY KEY,
  pipeline_run_id CHAR(32)      NOT NULL REFERENCES pipeline_runs (run_id),
  step_name       VARCHAR(256)  NOT NULL,
  attempt         INTEGER       NOT NULL,
  step_type       VARCHAR(1000) NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  cache_key       CHAR(64),
  cached_from     CHAR(32),
  start_time      BIGINT,
  end_time        BIGINT,
  params_json     TEXT          NOT NULL,
  error           TEXT,
  log_path        VARCHAR(2000),
  CONSTRAINT pipeline_step_runs_attempt UNIQUE (pipeline_run_id, step_name, attempt)
);

-- kind is 'input' or 'output'; path is the artifact store path the bytes live at (a cached step's outputs point
-- at the paths of the step run that made them).
CREATE TABLE pipeline_step_artifacts (
  step_run_id   CHAR(32)      NOT NULL REFERENCES pipeline_step_runs (step_run_id),
  kind          VARCHAR(8)    NOT NULL,
  name          VARCHAR(256)  NOT NULL,
  artifact_type VARCHAR(256)  NOT NULL,
  path          VARCHAR(2000) NOT NULL,
  sha256        CHAR(64)      NOT NULL,
  size          BIGINT        NOT NULL,
  PRIMARY KEY (step_run_id, kind, name)
);
CREATE INDEX pipeline_step_artifacts_sha ON pipeline_step_artifacts (sha256);

-- The newest successful step run per cache key; a hit whose outputs are gone is replaced by the re-run.
CREATE TABLE pipeline_cache (
  cache_key    CHAR(64) NOT NULL PRIMARY KEY,
  step_run_id  CHAR(32) NOT NULL REFERENCES pipeline_step_runs (step_run_id),
  created_time BIGINT   NOT NULL
);
