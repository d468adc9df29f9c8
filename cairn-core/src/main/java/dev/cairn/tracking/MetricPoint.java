package dev.cairn.tracking;

/** A metric point with the run it belongs to, as returned by get-history-bulk-interval. */
public record MetricPoint(String runId, Metric metric) {}
