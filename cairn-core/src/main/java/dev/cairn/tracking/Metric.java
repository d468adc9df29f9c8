package dev.cairn.tracking;

import java.util.Objects;

/** One point of a metric series. Values may be NaN or infinite, as MLflow allows. */
public record Metric(String key, double value, long timestamp, long step) {
  public Metric {
    Objects.requireNonNull(key, "key");
  }
}
