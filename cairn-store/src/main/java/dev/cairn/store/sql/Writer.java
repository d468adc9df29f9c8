package dev.cairn.store.sql;

import org.jdbi.v3.core.Handle;

/** Runs write tasks, each in a transaction (or a savepoint of a shared one): all of a task or none of it. */
interface Writer extends AutoCloseable {

  /** A unit of writing; it may throw to undo itself. */
  @FunctionalInterface
  interface Task<T> {
    T apply(Handle handle) throws Exception;
  }

  <T> T write(Task<T> task);

  @Override
  void close();
}
