-- A scoring call of N rows is logged as N predictions (one id per row, for feedback). request_rows is N on the call's
-- first row and 0 on the others, so monitors count calls and their latency once per call, not once per row. Rows
-- logged before this column existed were one call each (the default).
ALTER TABLE predictions ADD COLUMN request_rows INTEGER NOT NULL DEFAULT 1;
