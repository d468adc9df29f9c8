/**
 * One-pass, mergeable table statistics. {@link dev.cairn.data.stats.Profiler} reads a table once and returns a
 * {@link dev.cairn.data.stats.Profile}: per column counts by type, missing, mean and sample std (exact, batched
 * Welford/Chan), min/max (exact), distinct count (HLL, lgK 12: about 1.6% error, exact for small counts),
 * quantiles and histogram (KLL k = 200: about 1.3% normalised rank error), and frequent values (frequent-items
 * sketch, exact while a column has at most 192 distinct strings; exact counts for up to 64 distinct numbers).
 * Sketches are serialised in the profile JSON as base64, so profiles reloaded from JSON still merge.
 */
package dev.cairn.data.stats;
