-- Governance of aliases: promotion policies (protected aliases), promotion requests with their decisions, and
-- every alias move (set, delete, promotion, rollback) so a rollback knows the previous holder. Rows hang off the
-- model's surrogate key, so renaming a model keeps them. Portable SQL for SQLite and PostgreSQL.

CREATE TABLE promotion_policies (
  model_key          CHAR(32)     NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  alias              VARCHAR(255) NOT NULL,
  required_approvals INTEGER      NOT NULL,
  updated_by         VARCHAR(256),
  updated_time       BIGINT       NOT NULL,
  PRIMARY KEY (model_key, alias)
);

CREATE TABLE promotion_requests (
  request_id         CHAR(32)     NOT NULL PRIMARY KEY,
  model_key          CHAR(32)     NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  alias              VARCHAR(255) NOT NULL,
  version            INTEGER      NOT NULL,
  current_version    INTEGER,
  requester          VARCHAR(256) NOT NULL,
  reason             TEXT         NOT NULL,
  evidence           TEXT,
  required_approvals INTEGER      NOT NULL,
  status             VARCHAR(16)  NOT NULL,
  created_time       BIGINT       NOT NULL,
  decided_time       BIGINT,
  previous_version   INTEGER
);
CREATE INDEX promotion_requests_model ON promotion_requests (model_key, status, created_time);

CREATE TABLE promotion_decisions (
  request_id   CHAR(32)     NOT NULL REFERENCES promotion_requests (request_id) ON DELETE CASCADE,
  actor        VARCHAR(256) NOT NULL,
  verdict      VARCHAR(8)   NOT NULL,
  comment      TEXT,
  decided_time BIGINT       NOT NULL,
  PRIMARY KEY (request_id, actor)
);

CREATE TABLE alias_changes (
  model_key    CHAR(32)     NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  alias        VARCHAR(255) NOT NULL,
  sequence     BIGINT       NOT NULL,
  from_version INTEGER,
  to_version   INTEGER,
  actor        VARCHAR(256),
  kind         VARCHAR(16)  NOT NULL,
  request_id   CHAR(32),
  reason       TEXT,
  changed_time BIGINT       NOT NULL,
  PRIMARY KEY (model_key, alias, sequence)
);
