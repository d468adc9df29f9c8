package dev.cairn.serving.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A figure a condition can name: operations, drift and quality of a monitor window, and live accuracy. */
public enum Metric {
  REQUESTS(false),
  PREDICTIONS(false),
  ERRORS(false),
  /** errors / (answered requests + errors). */
  ERROR_RATE(false),
  P50_MS(false),
  P95_MS(false),
  P99_MS(false),
  /** Share of compared input features whose drift verdict is drifted. */
  DRIFT_SHARE(false),
  /** The prediction's drift statistic against the training target. */
  PREDICTION_DRIFT(false),
  ACCURACY(false),
  RMSE(false),
  /** Prediction rows with feedback. */
  FEEDBACK(false),
  /** Population stability index of one input feature. */
  PSI(true),
  /** The drift statistic of one input feature (the window's test for that feature). */
  DRIFT(true),
  /** Share of rows without a value for one input feature. */
  MISSING_SHARE(true);

  private final boolean takesFeature;

  Metric(boolean takesFeature) {
    this.takesFeature = takesFeature;
  }

  /** Whether the metric is written {@code name(FEATURE)}. */
  public boolean takesFeature() {
    return takesFeature;
  }

  /** The name conditions use: {@code p99_ms}, {@code psi}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Metric> named(String name) {
    return Arrays.stream(values()).filter(m -> m.wire().equals(name)).findFirst();
  }

  static String known() {
    return Arrays.stream(values()).map(m -> m.takesFeature ? m.wire() + "(FEATURE)" : m.wire())
        .collect(Collectors.joining(", "));
  }
}
