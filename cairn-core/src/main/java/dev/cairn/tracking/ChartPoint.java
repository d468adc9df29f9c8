package dev.cairn.tracking;

/**
 * One point of a metric chart: {@code x} is a step or a timestamp in milliseconds (see {@link MetricAxis}),
 * {@code y} the metric's value, which may be NaN or infinite as MLflow allows.
 */
public record ChartPoint(long x, double y) {}
