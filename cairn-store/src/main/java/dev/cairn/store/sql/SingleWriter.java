package dev.cairn.store.sql;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite writes: one thread owns the only writing connection and applies queued tasks in group-committed
 * transactions, each task inside its own savepoint so a failing task leaves no trace while its neighbours
 * commit. SQLite allows one writer at a time anyway; queueing here instead of in SQLite's busy loop means
 * callers never see "database is locked" and a commit (one fsync) is shared by many tasks.
 * The queue is bounded: when it is full, callers block (back-pressure).
 */
final class SingleWriter implements Writer {
  static final int QUEUE_CAPACITY = 4096;
  static final int MAX_TASKS_PER_COMMIT = 256;
  /** How often a waiting caller checks that the writer thread still lives (a task queued after stop). */
  static final long ORPHAN_CHECK_MS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(SingleWriter.class);

  private record Pending<T>(Task<T> task, CompletableFuture<T> result) {}

  private static final Pending<?> STOP = new Pending<>(h -> null, new CompletableFuture<>());

  private final BlockingQueue<Pending<?>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Handle handle;
  /** Statements prepared once on the writer connection; touched only by the writer thread (then by close). */
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  SingleWriter(Jdbi jdbi, String name) {
    this.handle = jdbi.open();
    this.thread = new Thread(this::loop, "cairn-sqlite-writer-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public <T> T write(Task<T> task) {
    if (closed) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "metadata store is closed");
    }
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("write task must not write through the store again");
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    boolean interrupted = false;
    try {
      try {
        queue.put(new Pending<>(task, result));
      } catch (InterruptedException e) {
        interrupted = true; // nothing queued yet: safe to give up
        throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted before the write was queued", e);
      }
      // Once queued, the write may commit: answer only with its real outcome, never a 503 that invites a
      // retry (and a duplicate). An interrupt is remembered and restored after the outcome is known.
      while (true) {
        try {
          return result.get(ORPHAN_CHECK_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (TimeoutException e) {
          if (!thread.isAlive()) {
            failOrphans(); // queued after the writer drained its queue and stopped: no one else will answer
          }
        }
      }
    } catch (ExecutionException e) {
      throw SqlErrors.translate(e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Fails every task still queued after the writer thread ended. */
  private void failOrphans() {
    List<Pending<?>> rest = new ArrayList<>();
    queue.drainTo(rest);
    for (Pending<?> p : rest) {
      p.result().completeExceptionally(
          new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "metadata store is closed"));
    }
  }

  @Override
  public PreparedStatement statement(Handle h, String sql) throws SQLException {
    if (h != handle || Thread.currentThread() != thread) {
      throw new IllegalStateException("writer statements belong to the writer thread's handle");
    }
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = handle.getConnection().prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  private void execute(String sql) throws SQLException {
    statement(handle, sql).execute();
  }

  private void loop() {
    List<Pending<?>> batch = new ArrayList<>(MAX_TASKS_PER_COMMIT);
    List<Object> results = new ArrayList<>(MAX_TASKS_PER_COMMIT);
    while (true) {
      batch.clear();
      results.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        continue;
      }
      queue.drainTo(batch, MAX_TASKS_PER_COMMIT - 1);
      boolean stop = batch.remove(STOP);
      if (!batch.isEmpty()) {
        applyGroup(batch, results);
      }
      if (stop) {
        failOrphans();
        return;
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void applyGroup(List<Pending<?>> batch, List<Object> results) {
    try {
      handle.begin();
      for (Pending<?> p : batch) {
        // plain SQL savepoints: Jdbi forgets a savepoint once rolled back to, SQLite still needs it released
        execute("SAVEPOINT task");
        try {
          Object value = p.task().apply(handle);
          execute("RELEASE SAVEPOINT task");
          results.add(new Ok(value));
        } catch (Throwable e) {
          execute("ROLLBACK TO SAVEPOINT task");
          execute("RELEASE SAVEPOINT task");
          results.add(new Failed(e));
        }
      }
      handle.commit();
    } catch (Throwable e) {
      LOG.warn("group commit of {} tasks failed", batch.size(), e);
      try {
        handle.rollback();
      } catch (Throwable ignored) {
        // the connection reports its own state; the tasks fail either way
      }
      for (Pending<?> p : batch) {
        p.result().completeExceptionally(e);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture f = batch.get(i).result();
      Object r = results.get(i);
      if (r instanceof Ok ok) {
        f.complete(ok.value());
      } else {
        f.completeExceptionally(((Failed) r).error());
      }
    }
  }

  private record Ok(Object value) {}

  private record Failed(Throwable error) {}

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        LOG.debug("closing a writer statement failed", e);
      }
    }
    handle.close();
  }
}
