-- MLflow 3 logged models. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- A logged model belongs to an experiment, keeps its artifacts under its own artifact_location, and moves
-- from PENDING to READY or FAILED when the client finalizes it. Deleting marks lifecycle_stage 'deleted'.
-- Times are epoch milliseconds.

CREATE TABLE logged_models (
  model_id                  VARCHAR(64)   NOT NULL PRIMARY KEY,
  experiment_id             BIGINT        NOT NULL REFERENCES experiments (experiment_id),
  name                      VARCHAR(500)  NOT NULL,
  artifact_location         VARCHAR(2000) NOT NULL,
  creation_timestamp_ms     BIGINT        NOT NULL,
  last_updated_timestamp_ms BIGINT        NOT NULL,
  status                    VARCHAR(16)   NOT NULL,
  status_message            TEXT,
  lifecycle_stage           VARCHAR(16)   NOT NULL,
  model_type                VARCHAR(500),
  source_run_id             VARCHAR(32)
);
CREATE INDEX logged_models_experiment_created ON logged_models (experiment_id, creation_timestamp_ms DESC, model_id);
CREATE INDEX logged_models_source_run ON logged_models (source_run_id);

CREATE TABLE logged_model_tags (
  model_id VARCHAR(64)  NOT NULL REFERENCES logged_models (model_id),
  key      VARCHAR(250) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (model_id, key)
);

CREATE TABLE logged_model_params (
  model_id VARCHAR(64)  NOT NULL REFERENCES logged_models (model_id),
  key      VARCHAR(250) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (model_id, key)
);

-- Metric points linked to a model (MLflow 3 log_batch/log_metric with model_id). run_id and the dataset
-- fields are '' when absent so they can sit in the key. NaN is is_nan = 1 with value 0, as in metrics.
CREATE TABLE logged_model_metrics (
  model_id       VARCHAR(64)      NOT NULL REFERENCES logged_models (model_id),
  key            VARCHAR(250)     NOT NULL,
  timestamp      BIGINT           NOT NULL,
  step           BIGINT           NOT NULL,
  run_id         VARCHAR(32)      NOT NULL,
  dataset_name   VARCHAR(500)     NOT NULL,
  dataset_digest VARCHAR(500)     NOT NULL,
  value          DOUBLE PRECISION NOT NULL,
  is_nan         SMALLINT         NOT NULL,
  PRIMARY KEY (model_id, key, timestamp, step, run_id, dataset_name, dataset_digest)
);

-- Models a run produced (MLflow 3 runs/outputs), shown in the run's outputs.
CREATE TABLE run_model_outputs (
  run_id   VARCHAR(32) NOT NULL,
  model_id VARCHAR(64) NOT NULL REFERENCES logged_models (model_id),
  step     BIGINT      NOT NULL,
  PRIMARY KEY (run_id, model_id)
);
