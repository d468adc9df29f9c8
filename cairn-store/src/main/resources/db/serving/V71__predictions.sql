-- The prediction log (cairn-serving's dev.cairn.serving.log.PredictionStore): one row per logged scoring call. Inputs
-- and outputs are JSON arrays of row objects, written after personal fields were dropped or hashed. Times are epoch
-- milliseconds; shadow is 1 for a shadow version's answer the caller never saw (0 otherwise; an integer works the
-- same on SQLite and PostgreSQL).

CREATE TABLE predictions (
  id            VARCHAR(64)  NOT NULL PRIMARY KEY,
  deployment    VARCHAR(256) NOT NULL,
  model_name    VARCHAR(256) NOT NULL,
  model_version INTEGER      NOT NULL,
  time_ms       BIGINT       NOT NULL,
  inputs        TEXT         NOT NULL,
  outputs       TEXT         NOT NULL,
  latency_ms    DOUBLE PRECISION NOT NULL,
  shadow        INTEGER      NOT NULL
);

-- Listing and accuracy read a deployment's rows by time; the primary key serves the look-up by id.
CREATE INDEX predictions_deployment_time ON predictions (deployment, time_ms, id);
