-- Deployments (cairn-serving's dev.cairn.serving.deploy.DeploymentStore) and their change history. Portable SQL:
-- the same file runs on SQLite and PostgreSQL. The routing (routes, shadows, sticky key, canary slot) is one JSON
-- document per deployment: it is always read and replaced whole, and an update must name the version it read
-- (optimistic concurrency), so a column per part would buy nothing. Times are epoch milliseconds.

CREATE TABLE deployments (
  name          VARCHAR(256) NOT NULL PRIMARY KEY,
  description   TEXT,
  spec          TEXT         NOT NULL,
  version       BIGINT       NOT NULL,
  created_by    VARCHAR(256) NOT NULL,
  creation_time BIGINT       NOT NULL,
  updated_by    VARCHAR(256) NOT NULL,
  update_time   BIGINT       NOT NULL
);

-- One row per create, update and delete, kept after the deployment is deleted (audit and rollback); seq counts
-- from 1 per name across re-creations.
CREATE TABLE deployment_changes (
  name        VARCHAR(256) NOT NULL,
  seq         BIGINT       NOT NULL,
  kind        VARCHAR(16)  NOT NULL,
  actor       VARCHAR(256) NOT NULL,
  change_time BIGINT       NOT NULL,
  version     BIGINT,
  before_json TEXT,
  after_json  TEXT,
  PRIMARY KEY (name, seq)
);
