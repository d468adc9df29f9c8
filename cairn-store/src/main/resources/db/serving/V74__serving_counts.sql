-- Live serving counts (cairn-serving's dev.cairn.serving.monitor.ServingCounts): answered and failed inference
-- requests per deployment, model version, second and serving replica, flushed in batches by each replica. Every
-- request is counted here, sampled or not, so windows report errors and an error rate next to the prediction log.
-- model_name '' and model_version 0 hold failures that came before a version was chosen (e.g. an unreadable body).
-- Each replica adds to its own rows: several replicas sharing the database never update the same row.

CREATE TABLE serving_counts (
  deployment    VARCHAR(256) NOT NULL,
  model_name    VARCHAR(256) NOT NULL,
  model_version INTEGER      NOT NULL,
  second_ms     BIGINT       NOT NULL,
  replica       VARCHAR(128) NOT NULL,
  requests      BIGINT       NOT NULL,
  predictions   BIGINT       NOT NULL,
  errors        BIGINT       NOT NULL,
  PRIMARY KEY (deployment, model_name, model_version, second_ms, replica)
);

-- Windows read a deployment's counts by time.
CREATE INDEX serving_counts_time ON serving_counts (deployment, second_ms);
