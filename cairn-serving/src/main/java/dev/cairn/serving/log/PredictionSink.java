package dev.cairn.serving.log;

import java.util.UUID;

/**
 * Where serving hands each scored request. {@link #record} must never block serving: a sink that cannot keep up
 * drops (and counts) rather than waits. It returns the prediction id the caller gets back (for feedback later).
 */
public interface PredictionSink {
  /** Keeps nothing; ids are still fresh and unique. */
  PredictionSink NONE = r -> UUID.randomUUID().toString();

  /** Takes {@code record} (or drops it) without blocking, and returns its prediction id. */
  String record(PredictionRecord record);
}
