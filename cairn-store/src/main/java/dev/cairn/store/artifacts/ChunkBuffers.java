package dev.cairn.store.artifacts;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part-sized buffers S3 puts stage their content in, shared by a store's puts and bounded: at most
 * {@code capacity} exist, each made on first need and then reused. A put that finds none free waits for one
 * (back-pressure), and answers 503 if none frees up in time. Without the bound each concurrent put held its own
 * (at 64 request threads, a gigabyte of heap).
 */
final class ChunkBuffers {
  private final int size;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger created = new AtomicInteger();
  private final long waitMillis;

  ChunkBuffers(int size, int capacity, long waitMillis) {
    this.size = size;
    this.permits = new Semaphore(capacity, true);
    this.waitMillis = waitMillis;
  }

  /** A buffer of {@code size} bytes; give it back with {@link #release}. */
  byte[] take() {
    try {
      if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
        throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE,
            "every upload buffer is in use by other uploads; retry later");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while waiting for an upload buffer", e);
    }
    byte[] buffer = free.poll();
    if (buffer == null) {
      buffer = new byte[size];
      created.incrementAndGet();
    }
    return buffer;
  }

  void release(byte[] buffer) {
    free.add(buffer);
    permits.release();
  }

  /** How many buffers were ever made: never more than the capacity. */
  int created() {
    return created.get();
  }
}
