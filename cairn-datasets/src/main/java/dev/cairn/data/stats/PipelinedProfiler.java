package dev.cairn.data.stats;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.data.table.Row;
import dev.cairn.data.table.TableReader;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Two-thread profiling: the caller's thread parses and copies rows into batches; a named worker thread updates
 * the sketches. A bounded queue of 4 batches is the back-pressure: the reader blocks when the worker lags.
 */
final class PipelinedProfiler {
  private static final int BATCH_ROWS = 2048;

  private PipelinedProfiler() {}

  /** Rows packed side by side: one char array, and per-row cell offsets. */
  private static final class Batch {
    char[] chars = new char[1 << 16];
    int used;
    int rows;
    int[] widths = new int[BATCH_ROWS];
    int[] starts = new int[BATCH_ROWS * 8];
    int[] lengths = new int[BATCH_ROWS * 8];
    boolean[] nulls = new boolean[BATCH_ROWS * 8];
    int cells;
    List<String> columns;

    void add(Row row) {
      int width = row.size();
      if (cells + width > starts.length) {
        int cap = Math.max(starts.length * 2, cells + width);
        starts = Arrays.copyOf(starts, cap);
        lengths = Arrays.copyOf(lengths, cap);
        nulls = Arrays.copyOf(nulls, cap);
      }
      char[] src = row.chars();
      for (int i = 0; i < width; i++) {
        int len = row.length(i);
        if (used + len > chars.length) {
          chars = Arrays.copyOf(chars, Math.max(chars.length * 2, used + len));
        }
        System.arraycopy(src, row.start(i), chars, used, len);
        starts[cells] = used;
        lengths[cells] = len;
        nulls[cells] = row.isNull(i);
        used += len;
        cells++;
      }
      widths[rows++] = width;
      // JSON Lines grows its column list on the reading thread: hand the worker a snapshot, not the live view
      if (columns == null || columns.size() != row.columns().size()) {
        columns = List.copyOf(row.columns());
      }
    }

    void clear() {
      columns = null;
      used = 0;
      rows = 0;
      cells = 0;
    }
  }

  static Profile profile(TableReader reader, ProfileOptions options) {
    Profiler profiler = new Profiler(options);
    BlockingQueue<Batch> full = new ArrayBlockingQueue<>(4);
    BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(6);
    for (int i = 0; i < 6; i++) {
      empty.add(new Batch());
    }
    Batch end = new Batch();
    Throwable[] failure = new Throwable[1];
    Thread worker = new Thread(() -> {
      try {
        while (true) {
          Batch b = full.take();
          if (b == end) {
            return;
          }
          if (b.columns != null) {
            profiler.ensureColumns(b.columns);
          }
          int cell = 0;
          for (int r = 0; r < b.rows; r++) {
            int w = b.widths[r];
            profiler.acceptCells(b.chars, b.starts, b.lengths, b.nulls, cell, w);
            cell += w;
          }
          b.clear();
          empty.put(b);
        }
      } catch (Throwable t) {
        failure[0] = t;
      }
    }, "cairn-profiler-worker");
    worker.setDaemon(true);
    worker.start();
    try {
      Batch current = empty.take();
      for (Row row = reader.next(); row != null; row = reader.next()) {
        current.add(row);
        if (current.rows == BATCH_ROWS) {
          full.put(current);
          current = take(empty, failure);
        }
      }
      if (current.rows > 0) {
        full.put(current);
      }
      full.put(end);
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.interrupt();
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "profiling was interrupted", e);
    } catch (RuntimeException e) {
      worker.interrupt();
      throw e;
    }
    if (failure[0] != null) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "profiling worker failed: " + failure[0], failure[0]);
    }
    profiler.ensureColumns(reader.columns());
    return profiler.finish();
  }

  private static Batch take(BlockingQueue<Batch> empty, Throwable[] failure) throws InterruptedException {
    while (true) {
      Batch b = empty.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (b != null) {
        return b;
      }
      if (failure[0] != null) {
        throw new CairnException(ErrorCode.INTERNAL_ERROR, "profiling worker failed: " + failure[0], failure[0]);
      }
    }
  }
}
