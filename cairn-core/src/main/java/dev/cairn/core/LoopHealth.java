package dev.cairn.core;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The health of a background loop (a scheduler, an evaluator): each round reports {@link #succeeded} or
 * {@link #failed}; {@link #check} says degraded once the last {@code failedRoundsToDegrade} rounds in a row failed,
 * naming the last success and the last error. A loop that has not run yet, or fails now and then, is up.
 */
public final class LoopHealth implements Component {
  /** Failed rounds in a row before a loop reports degraded, unless told otherwise. */
  public static final int DEFAULT_FAILED_ROUNDS = 3;

  private final String component;
  private final int failedRoundsToDegrade;
  private final LongSupplier clock;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  /** Guarded by this: the figures of the last rounds, read together. */
  private long lastSuccessMs;
  private long failedInARow;
  private String lastError;

  public LoopHealth(String component, int failedRoundsToDegrade, LongSupplier clock) {
    if (failedRoundsToDegrade < 1) {
      throw new IllegalArgumentException("failedRoundsToDegrade is " + failedRoundsToDegrade + "; it must be >= 1");
    }
    this.component = component;
    this.failedRoundsToDegrade = failedRoundsToDegrade;
    this.clock = clock;
  }

  /** A loop named {@code component}, degraded after {@value #DEFAULT_FAILED_ROUNDS} failed rounds, on the wall clock. */
  public static LoopHealth of(String component) {
    return new LoopHealth(component, DEFAULT_FAILED_ROUNDS, System::currentTimeMillis);
  }

  /** A round finished with every part done. */
  public synchronized void succeeded() {
    rounds.incrementAndGet();
    lastSuccessMs = clock.getAsLong();
    failedInARow = 0;
  }

  /** A round failed, or some part of it did; {@code error} says what (the last one is reported). */
  public synchronized void failed(String error) {
    rounds.incrementAndGet();
    failures.incrementAndGet();
    failedInARow++;
    lastError = error;
  }

  /** Rounds reported so far. */
  public long rounds() {
    return rounds.get();
  }

  /** Failed rounds reported so far. */
  public long failures() {
    return failures.get();
  }

  @Override
  public synchronized Health check() {
    if (rounds.get() == 0) {
      return new Health(component, true, "no round yet");
    }
    String last = lastSuccessMs == 0 ? "no successful round yet" : "last successful round "
        + Instant.ofEpochMilli(lastSuccessMs);
    if (failedInARow >= failedRoundsToDegrade) {
      return Health.degraded(component, "the last " + failedInARow + " rounds failed (" + failures.get() + " of "
          + rounds.get() + " in all); " + last + "; last error: " + lastError);
    }
    return new Health(component, true, last + "; " + failures.get() + " of " + rounds.get() + " rounds failed");
  }
}
