-- Webhooks for registry events and their delivery log. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- A delivery row is written for every matching webhook when an event is published, so a delivery survives a
-- restart; the sender picks up PENDING rows whose next_attempt_time has come. Times are epoch milliseconds.
-- The secret is kept as given (it is needed to sign) and never returned by any API; see docs/webhooks.md.

CREATE TABLE webhooks (
  webhook_id       CHAR(32)      NOT NULL PRIMARY KEY,
  name             VARCHAR(256)  NOT NULL,
  description      TEXT,
  url              VARCHAR(2000) NOT NULL,
  secret           VARCHAR(1024),
  status           VARCHAR(16)   NOT NULL,
  creation_time    BIGINT        NOT NULL,
  last_update_time BIGINT        NOT NULL
);

CREATE TABLE webhook_events (
  webhook_id CHAR(32)    NOT NULL REFERENCES webhooks (webhook_id),
  event      VARCHAR(64) NOT NULL,
  PRIMARY KEY (webhook_id, event)
);
CREATE INDEX webhook_events_event ON webhook_events (event);

CREATE TABLE webhook_deliveries (
  delivery_id        CHAR(32)    NOT NULL PRIMARY KEY,
  webhook_id         CHAR(32)    NOT NULL REFERENCES webhooks (webhook_id),
  event              VARCHAR(64) NOT NULL,
  payload            TEXT        NOT NULL,
  status             VARCHAR(16) NOT NULL,
  attempts           INTEGER     NOT NULL,
  last_response_code INTEGER,
  last_error         TEXT,
  next_attempt_time  BIGINT,
  creation_time      BIGINT      NOT NULL,
  last_update_time   BIGINT      NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_time);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, creation_time);
