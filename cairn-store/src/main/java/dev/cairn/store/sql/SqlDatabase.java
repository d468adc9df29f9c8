package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Health;
import dev.cairn.store.Dialect;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * One open SQL database, shared by every module whose tables live in it (tracking, datasets): one reader
 * pool, one writer (a single queued writer thread on SQLite, pooled transactions on PostgreSQL), migrated
 * once when opened with every module's migrations. Stores built on it borrow it; whoever opened it closes it.
 * Open one with {@link dev.cairn.store.MetadataStores#openDatabase}.
 */
public final class SqlDatabase implements Component, AutoCloseable {
  /** A unit of writing; it may throw to undo itself (all of it or none of it is written). */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Handle handle) throws Exception;
  }

  private final Dialect dialect;
  private final Jdbi readers;
  private final Writer writer;
  private final AutoCloseable resources;
  private volatile boolean closed;

  SqlDatabase(Dialect dialect, Jdbi readers, Writer writer, AutoCloseable resources) {
    this.dialect = dialect;
    this.readers = readers;
    this.writer = new AuditingWriter(writer, dialect); // writes inside an AuditScope append their audit event
    this.resources = resources;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code read} on a pooled reading connection. */
  public <T> T read(HandleCallback<T, RuntimeException> read) {
    return readers.withHandle(read);
  }

  /**
   * Runs {@code work} through the database's one writer, in a transaction (or a savepoint of a group commit
   * on SQLite); a {@link CairnException} it throws reaches the caller unchanged, anything else as
   * {@code INTERNAL_ERROR} with the original as its cause. {@code work} must not write through this
   * database again.
   */
  public <T> T write(Work<T> work) {
    return writer.write(work::apply);
  }

  Jdbi readers() {
    return readers;
  }

  Writer writer() {
    return writer;
  }

  @Override
  public Health check() {
    try {
      readers.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
      return Health.up("database");
    } catch (Exception e) {
      return Health.down("database", dialect.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
    }
  }

  /** Stops the writer (after the writes already queued) and closes the pools; later calls do nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    writer.close();
    try {
      resources.close();
    } catch (Exception e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot close the database's connections", e);
    }
  }
}
