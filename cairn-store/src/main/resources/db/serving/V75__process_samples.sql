-- Process figures of every server process (cairn-serving's dev.cairn.serving.monitor.ProcessSamples), sampled every
-- few seconds: process CPU load (0 to 1 of all cores; null when the JVM cannot tell), heap used and resident set size
-- in bytes (rss null where /proc/self/status is not readable). One row per replica and sample, so replicas sharing
-- the database each keep their own.

CREATE TABLE process_samples (
  replica   VARCHAR(128) NOT NULL,
  time_ms   BIGINT       NOT NULL,
  cpu       DOUBLE PRECISION,
  heap_used BIGINT       NOT NULL,
  rss       BIGINT,
  PRIMARY KEY (replica, time_ms)
);

CREATE INDEX process_samples_time ON process_samples (time_ms);
