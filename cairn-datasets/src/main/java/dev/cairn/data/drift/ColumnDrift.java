package dev.cairn.data.drift;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The drift verdict for one column.
 *
 * @param kind "numeric" or "categorical", as the column was treated
 * @param statistic the test statistic or distance (KS D, chi-squared, z, Wasserstein/std, JS distance, PSI)
 * @param pValue the p-value for p-value tests, else null
 * @param threshold p-value threshold (drift when below) or distance threshold (drift when at or above)
 * @param approximate true when computed from sketches rather than exact values
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnDrift(String column, String kind, DriftMethod method, double statistic, Double pValue,
    double threshold, boolean drifted, long referenceCount, long currentCount, boolean approximate) {}
