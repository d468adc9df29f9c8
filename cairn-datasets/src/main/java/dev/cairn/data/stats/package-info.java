/**
 * One-pass, mergeable, deterministic table statistics. {@link dev.cairn.data.stats.Profiler} reads a table once and
 * returns a {@link dev.cairn.data.stats.Profile}: per column counts by type, missing, mean and sample std (exact,
 * batched Welford/Chan), min/max (exact), distinct count (exact up to 10,000 distinct values by a set of 64-bit
 * hashes, then HLL lgK 12: about 1.6% error), quantiles and histogram ({@link dev.cairn.data.stats.QuantileSketch}:
 * exact up to 1,024 distinct numbers, then within 0.05% of each value), and frequent values (frequent-items sketch,
 * exact while a column has at most 192 distinct strings; exact counts for up to 64 distinct numbers). The same
 * rows always give the same bytes; sketches are serialised in the profile JSON as base64, so profiles reloaded
 * from JSON still merge, and the quantile sketch of a merge equals that of the whole table.
 */
package dev.cairn.data.stats;
