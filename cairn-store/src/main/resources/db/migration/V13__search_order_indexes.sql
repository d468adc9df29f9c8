-- Portable: the same file runs on SQLite and PostgreSQL.
-- Searches ordered by a metric, param or tag walk that key's index in value order and stop once a page is full
-- (SearchSql.Walk). With is_nan beside the key, the walk over non-NaN values is one index range; with run_id at the
-- end the walk and the filters' (key, value) range tests read the index alone.
DROP INDEX latest_metrics_key_value;
CREATE INDEX latest_metrics_key_value ON latest_metrics (key, is_nan, value, run_id);
DROP INDEX params_key_value;
CREATE INDEX params_key_value ON params (key, value, run_id);
DROP INDEX tags_key;
CREATE INDEX tags_key_value ON tags (key, value, run_id);
