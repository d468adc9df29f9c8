-- Monitor windows (cairn-serving's dev.cairn.serving.monitor.MonitorService): once a window of a deployment's
-- prediction log is closed, its figures per model version are kept, so asking again does not read the log again.
-- A slot row says the window [from_ms, to_ms) was computed (also when it had no predictions); its windows hold the
-- MonitorWindow JSON per model version, without accuracy (feedback keeps arriving; it is merged on every read).

CREATE TABLE monitor_slots (
  deployment  VARCHAR(256) NOT NULL,
  from_ms     BIGINT       NOT NULL,
  to_ms       BIGINT       NOT NULL,
  computed_ms BIGINT       NOT NULL,
  PRIMARY KEY (deployment, from_ms, to_ms)
);

CREATE TABLE monitor_windows (
  deployment    VARCHAR(256) NOT NULL,
  from_ms       BIGINT       NOT NULL,
  to_ms         BIGINT       NOT NULL,
  model_name    VARCHAR(256) NOT NULL,
  model_version INTEGER      NOT NULL,
  body          TEXT         NOT NULL,
  PRIMARY KEY (deployment, from_ms, to_ms, model_name, model_version)
);
