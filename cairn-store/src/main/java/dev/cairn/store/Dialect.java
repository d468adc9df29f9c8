package dev.cairn.store;

/** The SQL databases the metadata store runs on; the few queries that differ branch on this. */
public enum Dialect {
  SQLITE,
  POSTGRESQL
}
