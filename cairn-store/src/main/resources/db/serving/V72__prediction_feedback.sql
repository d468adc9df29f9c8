-- Feedback on logged predictions (cairn-serving's dev.cairn.serving.feedback.FeedbackStore): the true label (for a
-- classifier) or value (for a regressor) learnt later, by prediction id and row
-- (a prediction may cover several rows; row_index 0 is the first). A row may get feedback more than once
-- (a correction); the latest row counts. Times are epoch milliseconds.

CREATE TABLE prediction_feedback (
  prediction_id VARCHAR(64)  NOT NULL,
  row_index     INTEGER      NOT NULL,
  seq           BIGINT       NOT NULL,
  label         TEXT,
  value         DOUBLE PRECISION,
  time_ms       BIGINT       NOT NULL,
  actor         VARCHAR(256) NOT NULL,
  PRIMARY KEY (prediction_id, row_index, seq)
);
