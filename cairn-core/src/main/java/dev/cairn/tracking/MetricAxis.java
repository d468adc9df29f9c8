package dev.cairn.tracking;

import dev.cairn.core.CairnException;
import java.util.Locale;

/** What a metric chart plots its points against: the step, or the timestamp (milliseconds since the epoch). */
public enum MetricAxis {
  STEP,
  TIMESTAMP;

  /** The point's position on this axis. */
  public long of(Metric m) {
    return this == STEP ? m.step() : m.timestamp();
  }

  /** The name on the wire: {@code step} or {@code timestamp}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code step} or {@code timestamp} (null: step); anything else is INVALID_PARAMETER_VALUE. */
  public static MetricAxis parse(String text) {
    if (text == null || text.isBlank()) {
      return STEP;
    }
    for (MetricAxis a : values()) {
      if (a.wire().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw CairnException.invalid("Invalid value '" + text + "' for parameter 'x': must be 'step' or 'timestamp'");
  }

  /** The least and greatest position of a series' points on an axis (equal for a single point). */
  public record Range(long min, long max) {
    public Range {
      if (min > max) {
        throw new IllegalArgumentException("range min " + min + " is above max " + max);
      }
    }
  }
}
