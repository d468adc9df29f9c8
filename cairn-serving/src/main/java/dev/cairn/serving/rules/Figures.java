package dev.cairn.serving.rules;

/** The figures of one monitor window (or of one period of a baseline) that a condition reads. */
@FunctionalInterface
public interface Figures {
  /**
   * The value of {@code metric} (for {@code feature} when the metric takes one, else null), or null when the window
   * has no such figure: no feedback yet, an empty window, an unknown feature.
   */
  Double value(Metric metric, String feature);
}
