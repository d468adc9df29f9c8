package dev.cairn.data.stats;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Statistics of one column from one streaming pass. The readable figures (mean, quantiles, histogram, top values)
 * are derived from {@link #state()}, which holds the mergeable sketches as bytes (base64 in JSON).
 *
 * @param count non-missing values
 * @param missing missing values (null tokens, JSON nulls, absent keys)
 * @param integers values written as integers; {@code floats} other numbers; {@code booleans} true/false;
 *     {@code timestamps} ISO-8601 dates and date-times; {@code strings} everything else
 * @param distinct distinct non-missing values: exact (up to 64-bit hash collisions) while a column has at most
 *     {@link ProfileOptions#exactDistinctLimit()} of them, beyond that an HLL estimate
 * @param mean mean of numeric values (null when none); {@code std} their sample standard deviation (n-1)
 * @param quantiles numeric quantiles at 1, 5, 10, 20, 25, 30, ..., 75, 80, 90, 95, 99%: exact while the column has
 *     at most 64 distinct numbers, else within 0.05% of the exact value (see {@link NumericDistribution});
 *     {@link #quantile(double)} answers any other
 * @param histogram fixed-width bins over [min, max], counted from the same distribution
 * @param topValues most frequent values (strings, booleans, timestamps; numbers while a column has at most 64
 *     distinct)
 * @param minTimestamp earliest timestamp as ISO-8601 UTC; {@code maxTimestamp} the latest
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnProfile(String name, long count, long missing, long integers, long floats, long booleans,
    long timestamps, long strings, long distinct, Double mean, Double std, Double min, Double max,
    List<QuantileValue> quantiles, List<HistogramBin> histogram, List<ValueCount> topValues, String minTimestamp,
    String maxTimestamp, State state) {

  public ColumnProfile {
    quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
    histogram = histogram == null ? List.of() : List.copyOf(histogram);
    topValues = topValues == null ? List.of() : List.copyOf(topValues);
  }

  /** Numbers parsed in this column (integers and floats). */
  @JsonIgnore
  public long numericCount() {
    return integers + floats;
  }

  /** Any quantile of the numeric values, from the stored sketch (NaN when the column has no numbers). */
  public double quantile(double q) {
    return Sketches.quantiles(this).quantile(q);
  }

  /** A quantile of the numeric values: {@code value} at rank {@code q}. */
  public record QuantileValue(double q, double value) {}

  /** Histogram bin [lower, upper) (the last bin includes upper). */
  public record HistogramBin(double lower, double upper, long count) {}

  /** A value and how often it occurred (exact while the column has few distinct values; else a lower bound). */
  public record ValueCount(String value, long count) {}

  /** A numeric value and its exact count, for columns with at most 64 distinct numbers. */
  public record NumberCount(double value, long count) {}

  /**
   * The mergeable state: Welford moments, the {@link QuantileSketch}, HLL and frequent-items sketches (DataSketches'
   * formats), exact number counts (null once a column has more than 64 distinct numbers), the timestamp range in
   * epoch milliseconds, and the sorted 64-bit hashes of every distinct value (null beyond the exact limit).
   * {@code kll} is read from profiles stored before the quantile sketch existed and never written.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record State(long numericN, double mean, double m2, double min, double max, byte[] quantiles, byte[] hll,
      byte[] frequentItems, List<NumberCount> numbers, Long minTimestampMillis, Long maxTimestampMillis,
      byte[] distinctHashes, byte[] kll) {}
}
