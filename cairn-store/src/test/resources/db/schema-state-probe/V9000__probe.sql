-- A module's migration for SchemaStateTest only: newer than any real one, so a database that has it is
-- "newer than the build" for a process without this location.
CREATE TABLE schema_state_probe (id INTEGER PRIMARY KEY);
