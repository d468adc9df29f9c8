-- get-history reads every point of one (run, key) in (step, timestamp, is_nan, value) order. With those four
-- columns in the index the read is index-only and already sorted: 1,000,000 points went from 0.46 s (index
-- lookup + table reads + a sort of the tie-breaking columns) to 0.09 s in the SQLite shell.
DROP INDEX metrics_history;
CREATE INDEX metrics_history ON metrics (run_id, key, step, timestamp, is_nan, value);
