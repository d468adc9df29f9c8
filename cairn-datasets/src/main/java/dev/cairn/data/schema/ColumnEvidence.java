package dev.cairn.data.schema;

import java.util.List;

/**
 * What a statistics pass saw in one column, the input to {@link SchemaInference}. Counts split the non-missing
 * values by the narrowest type each parses as.
 *
 * @param domain every distinct non-numeric value, or null when there were too many to list exactly
 */
public record ColumnEvidence(String name, long count, long missing, long integers, long floats, long booleans,
    long timestamps, long strings, long distinct, List<String> domain, Double min, Double max) {}
