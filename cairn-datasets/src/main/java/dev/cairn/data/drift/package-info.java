/**
 * Drift between a reference and a current dataset: {@link dev.cairn.data.drift.DriftStatistics} holds the exact
 * formulas (KS, PSI, chi-squared, z-test, Jensen-Shannon, Wasserstein); {@link dev.cairn.data.drift.DriftDetector}
 * applies them per column, from profiles (sketches, for monitoring) or from raw samples, choosing methods as
 * Evidently does unless {@link dev.cairn.data.drift.DriftOptions} overrides them. Text and timestamp columns are
 * not compared.
 */
package dev.cairn.data.drift;
