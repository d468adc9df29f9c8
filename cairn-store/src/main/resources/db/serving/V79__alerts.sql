-- Alert rules and alerts (cairn-serving's dev.cairn.serving.alerts.AlertStore). Portable SQL: the same file runs on
-- SQLite and PostgreSQL. Times are epoch milliseconds. A rule's deployment is '*' for every deployment; its
-- notification targets are a JSON list (always read and replaced with the rule).

CREATE TABLE alert_rules (
  name           VARCHAR(256) NOT NULL PRIMARY KEY,
  deployment     VARCHAR(256) NOT NULL,
  condition_text TEXT         NOT NULL,
  window_minutes INTEGER      NOT NULL,
  severity       VARCHAR(16)  NOT NULL,
  notify         TEXT         NOT NULL,
  description    TEXT,
  created_by     VARCHAR(256) NOT NULL,
  creation_time  BIGINT       NOT NULL,
  updated_by     VARCHAR(256) NOT NULL,
  update_time    BIGINT       NOT NULL
);

-- One row per firing; resolving fills resolved_at. Two servers evaluating the same database must not fire twice:
-- open_key (rule, deployment, model, version) is set only while the alert fires and is unique, and the newest
-- window a firing was decided on is unique per rule, deployment and version, so a late evaluation of a window
-- already judged cannot fire again after the alert was resolved. SQLite and PostgreSQL both allow many NULL
-- open_keys under the unique constraint, which is what resolved alerts hold.
CREATE TABLE alerts (
  alert_id       CHAR(32)     NOT NULL PRIMARY KEY,
  rule_name      VARCHAR(256) NOT NULL,
  deployment     VARCHAR(256) NOT NULL,
  model_name     VARCHAR(256) NOT NULL,
  model_version  INTEGER      NOT NULL,
  severity       VARCHAR(16)  NOT NULL,
  state          VARCHAR(16)  NOT NULL,
  condition_text TEXT         NOT NULL,
  fired_at       BIGINT       NOT NULL,
  window_from    BIGINT       NOT NULL,
  window_to      BIGINT       NOT NULL,
  detail         TEXT         NOT NULL,
  figures        TEXT         NOT NULL,
  resolved_at    BIGINT,
  resolve_detail TEXT,
  open_key       VARCHAR(800) UNIQUE
);
CREATE UNIQUE INDEX alerts_fired_window ON alerts (rule_name, deployment, model_name, model_version, window_to);
-- the history page and the API list firing first, newest first, filtered by deployment, rule and state
CREATE INDEX alerts_by_state_time ON alerts (state, fired_at);
CREATE INDEX alerts_by_deployment_time ON alerts (deployment, fired_at);
