-- A metric point is identified by all of (run, key, step, timestamp, is_nan, value), as MLflow's metrics table
-- keys it: a retried log-batch (the SDK retries a 503) must not store a point twice. Existing duplicates are
-- folded into one, then the covering history index of V11 becomes a unique one, which the writer's
-- INSERT ... ON CONFLICT DO NOTHING relies on. Portable: the same file runs on SQLite and PostgreSQL.
CREATE TABLE metrics_unique (
  run_id    CHAR(32)         NOT NULL,
  key       VARCHAR(250)     NOT NULL,
  step      BIGINT           NOT NULL,
  timestamp BIGINT           NOT NULL,
  value     DOUBLE PRECISION NOT NULL,
  is_nan    SMALLINT         NOT NULL
);
INSERT INTO metrics_unique (run_id, key, step, timestamp, value, is_nan)
  SELECT DISTINCT run_id, key, step, timestamp, value, is_nan FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_unique RENAME TO metrics;
CREATE UNIQUE INDEX metrics_history ON metrics (run_id, key, step, timestamp, is_nan, value);
