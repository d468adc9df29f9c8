package dev.cairn.data.stats;

import dev.cairn.data.schema.Cells;
import dev.cairn.data.schema.ColumnEvidence;
import dev.cairn.data.stats.ColumnProfile.HistogramBin;
import dev.cairn.data.stats.ColumnProfile.NumberCount;
import dev.cairn.data.stats.ColumnProfile.QuantileValue;
import dev.cairn.data.stats.ColumnProfile.ValueCount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * Mutable one-column statistics: every cell updates counts, an exact set of value hashes (until the column has
 * more than {@link ProfileOptions#exactDistinctLimit()} distinct values) beside a distinct-count HLL sketch, and
 * either numeric state (Welford moments, a deterministic quantile sketch, exact counts of up to 64 distinct
 * numbers) or a frequent-items sketch. Every sketch is deterministic: the same rows give the same bytes.
 * Cells are parsed once from char slices; low-cardinality strings reuse interned Strings, so a typical cell
 * allocates nothing.
 */
final class ColumnAccumulator {
  static final double[] QUANTILES = {0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.99};
  private static final int MAX_NUMBERS = 64;
  private static final int INTERN_SLOTS = 256;
  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  final String name;
  private final ProfileOptions options;
  private final char[][] nullTokens;
  long count;
  long missing;
  long integers;
  long floats;
  long booleans;
  long timestamps;
  long strings;
  // Welford / Chan moments over numeric values
  long numericN;
  double mean;
  double m2;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;
  long minTs = Long.MAX_VALUE;
  long maxTs = Long.MIN_VALUE;
  QuantileSketch sketch;
  private HllSketch hll;
  // hashes of every distinct value while there are at most options.exactDistinctLimit(); null beyond
  private LongHashSet exactDistinct = new LongHashSet();
  ItemsSketch<String> frequent;
  // exact counts of distinct numbers, open addressing; null once more than MAX_NUMBERS distinct
  double[] numberKeys = new double[MAX_NUMBERS * 2];
  long[] numberCounts = new long[MAX_NUMBERS * 2];
  int numberSize;
  private final String[] intern = new String[INTERN_SLOTS];
  private final long[] internCount = new long[INTERN_SLOTS];
  private final double[] pending = new double[1024];
  private int pendingN;
  private int hllFrom = -1;
  private long trueCount;
  private long falseCount;

  ColumnAccumulator(String name, ProfileOptions options) {
    this.name = name;
    this.options = options;
    this.nullTokens = Cells.tokens(options.nullTokens());
    this.sketch = new QuantileSketch(options.quantileBuckets());
    this.hll = new HllSketch(options.hllLgK(), org.apache.datasketches.hll.TgtHllType.HLL_8);
    this.frequent = new ItemsSketch<>(options.frequentItemsMapSize());
  }

  void acceptMissing() {
    missing++;
  }

  void accept(char[] b, int off, int len) {
    if (len <= 4 && Cells.isNullToken(nullTokens, b, off, len)) {
      missing++;
      return;
    }
    count++;
    double v = Cells.parseNumber(b, off, len);
    if (v == v) {
      if (Cells.isIntegerSyntax(b, off, len)) {
        integers++;
      } else {
        floats++;
      }
      acceptNumber(v);
      return;
    }
    int bool = Cells.parseBoolean(b, off, len);
    if (bool >= 0) {
      booleans++;
      if (bool == 1) {
        trueCount++;
      } else {
        falseCount++;
      }
      return;
    }
    long ts = Cells.parseTimestampMillis(b, off, len);
    if (ts != Cells.NOT_A_TIMESTAMP) {
      timestamps++;
      minTs = Math.min(minTs, ts);
      maxTs = Math.max(maxTs, ts);
    } else {
      strings++;
    }
    countString(b, off, len);
  }

  /** A number held in memory (not parsed from text); {@code integer} counts it as an integer rather than a float. */
  void acceptValue(double v, boolean integer) {
    count++;
    if (integer) {
      integers++;
    } else {
      floats++;
    }
    acceptNumber(v);
  }

  private void acceptNumber(double v) {
    if (v == 0) {
      v = 0.0; // fold -0.0
    }
    if (numberKeys == null) {
      // high-cardinality column: hash into the HLL in bulk at flush, while its array is hot in cache
      if (hllFrom < 0) {
        hllFrom = pendingN;
      }
    } else if (!countNumber(v, 1)) {
      // HLL is idempotent, so only numbers new to the exact table need an HLL update
      hll.update(Double.doubleToLongBits(v));
      addDistinct(numberHash(v));
    }
    pending[pendingN++] = v;
    if (pendingN == pending.length) {
      flushNumbers();
    }
  }

  /**
   * Folds buffered numbers in: batch moments by two passes (no division per value), merged with Chan's
   * formula; one bulk KLL update.
   */
  private void flushNumbers() {
    int n = pendingN;
    if (n == 0) {
      return;
    }
    double[] p = pending;
    double sum = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double v = p[i];
      sum += v;
      if (v < lo) {
        lo = v;
      }
      if (v > hi) {
        hi = v;
      }
    }
    double batchMean = sum / n;
    double batchM2 = 0;
    for (int i = 0; i < n; i++) {
      double d = p[i] - batchMean;
      batchM2 += d * d;
    }
    combineMoments(n, batchMean, batchM2, lo, hi);
    if (hllFrom >= 0) {
      for (int i = hllFrom; i < n; i++) {
        hll.update(Double.doubleToLongBits(p[i]));
        addDistinct(numberHash(p[i]));
      }
      hllFrom = -1;
    }
    sketch.update(p, 0, n);
    pendingN = 0;
  }

  /** A bijective mix of the number's bits, so distinct numbers never share a hash. */
  private static long numberHash(double v) {
    long h = Double.doubleToLongBits(v);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private void addDistinct(long hash) {
    if (exactDistinct != null && exactDistinct.add(hash) && exactDistinct.size() > options.exactDistinctLimit()) {
      exactDistinct = null;
    }
  }

  private void combineMoments(long n2, double mean2, double m22, double lo, double hi) {
    if (n2 == 0) {
      return;
    }
    long n = numericN + n2;
    double delta = mean2 - mean;
    m2 = m2 + m22 + delta * delta * ((double) numericN * n2 / n);
    mean = mean + delta * n2 / n;
    numericN = n;
    min = Math.min(min, lo);
    max = Math.max(max, hi);
  }

  /** Adds n to v's count; true when v was already counted. Drops the table past MAX_NUMBERS distinct values. */
  private boolean countNumber(double v, long n) {
    int mask = numberKeys.length - 1;
    long bits = Double.doubleToLongBits(v);
    int slot = (int) (bits ^ (bits >>> 29) ^ (bits >>> 41)) & mask;
    while (numberCounts[slot] != 0) {
      if (numberKeys[slot] == v) {
        numberCounts[slot] += n;
        return true;
      }
      slot = (slot + 1) & mask;
    }
    if (numberSize == MAX_NUMBERS) {
      numberKeys = null;
      numberCounts = null;
      return false;
    }
    numberKeys[slot] = v;
    numberCounts[slot] = n;
    numberSize++;
    return false;
  }

  /**
   * Counts a string in a small direct-mapped cache of (String, count); an evicted entry's count goes to the
   * frequent-items sketch. A hit allocates nothing and skips the HLL (which already holds the value).
   */
  private void countString(char[] b, int off, int len) {
    int h = 0;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 16)) & (INTERN_SLOTS - 1);
    String s = intern[slot];
    if (s != null && s.length() == len) {
      boolean same = true;
      for (int i = 0; i < len; i++) {
        if (s.charAt(i) != b[off + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        internCount[slot]++;
        return;
      }
    }
    if (s != null) {
      frequent.update(s, internCount[slot]);
    }
    long hash = Cells.hash(b, off, len);
    hll.update(hash);
    addDistinct(hash);
    intern[slot] = new String(b, off, len);
    internCount[slot] = 1;
  }

  /** Pushes buffered numbers and string counts into the sketches; call before reading or merging state. */
  void flush() {
    flushNumbers();
    for (int i = 0; i < INTERN_SLOTS; i++) {
      if (intern[i] != null) {
        frequent.update(intern[i], internCount[i]);
        intern[i] = null;
        internCount[i] = 0;
      }
    }
    if (trueCount > 0) {
      frequent.update("true", trueCount);
      hll.update(Cells.hash("true".toCharArray(), 0, 4));
      addDistinct(Cells.hash("true".toCharArray(), 0, 4));
      trueCount = 0;
    }
    if (falseCount > 0) {
      frequent.update("false", falseCount);
      hll.update(Cells.hash("false".toCharArray(), 0, 5));
      addDistinct(Cells.hash("false".toCharArray(), 0, 5));
      falseCount = 0;
    }
  }

  /** Chan et al.'s parallel update of moments, plus sketch merges. */
  void merge(ColumnAccumulator o) {
    flush();
    o.flush();
    count += o.count;
    missing += o.missing;
    integers += o.integers;
    floats += o.floats;
    booleans += o.booleans;
    timestamps += o.timestamps;
    strings += o.strings;
    combineMoments(o.numericN, o.mean, o.m2, o.min, o.max);
    minTs = Math.min(minTs, o.minTs);
    maxTs = Math.max(maxTs, o.maxTs);
    sketch.merge(o.sketch);
    if (exactDistinct != null && o.exactDistinct != null) {
      for (long h : o.exactDistinct.toSortedArray()) {
        addDistinct(h);
      }
    } else {
      exactDistinct = null;
    }
    Union union = new Union(Math.max(hll.getLgConfigK(), o.hll.getLgConfigK()));
    union.update(hll);
    union.update(o.hll);
    hll = union.getResult(org.apache.datasketches.hll.TgtHllType.HLL_8);
    frequent.merge(o.frequent);
    if (numberKeys != null && o.numberKeys != null) {
      for (int i = 0; i < o.numberKeys.length && numberKeys != null; i++) {
        if (o.numberCounts[i] != 0) {
          countNumber(o.numberKeys[i], o.numberCounts[i]);
        }
      }
    } else {
      numberKeys = null;
      numberCounts = null;
    }
  }

  /** Exact while the column has at most {@code exactDistinctLimit} distinct values, else the HLL estimate. */
  long distinct() {
    flush();
    return exactDistinct != null ? exactDistinct.size() : Math.round(hll.getEstimate());
  }

  /** The numeric values: exact while there are few distinct numbers, else the sketch's buckets. */
  NumericDistribution distribution() {
    flush();
    return sketch.toDistribution();
  }

  /** Every distinct string value when the frequent-items sketch still counts exactly, else null. */
  List<String> exactStringDomain() {
    flush();
    if (frequent.getMaximumError() > 0) {
      return null;
    }
    ItemsSketch.Row<String>[] rows = frequent.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES);
    List<String> out = new ArrayList<>();
    for (ItemsSketch.Row<String> r : rows) {
      out.add(r.getItem());
    }
    return out;
  }

  ColumnEvidence evidence() {
    return new ColumnEvidence(name, count, missing, integers, floats, booleans, timestamps, strings, distinct(),
        exactStringDomain(), numericN > 0 ? min : null, numericN > 0 ? max : null);
  }

  ColumnProfile toProfile() {
    flush();
    Double meanOut = numericN > 0 ? mean : null;
    Double stdOut = null;
    if (numericN > 1) {
      stdOut = Math.sqrt(m2 / (numericN - 1));
    } else if (numericN == 1) {
      stdOut = 0.0;
    }
    List<QuantileValue> quantiles = new ArrayList<>();
    List<HistogramBin> histogram = new ArrayList<>();
    if (numericN > 0) {
      NumericDistribution d = distribution();
      for (double q : QUANTILES) {
        quantiles.add(new QuantileValue(q, d.quantile(q)));
      }
      histogram = histogram(d, options.histogramBins());
    }
    List<ValueCount> top = topValues(options.topK());
    List<NumberCount> numbers = null;
    if (numberKeys != null) {
      numbers = new ArrayList<>();
      for (int i = 0; i < numberKeys.length; i++) {
        if (numberCounts[i] != 0) {
          numbers.add(new NumberCount(numberKeys[i], numberCounts[i]));
        }
      }
      numbers.sort(Comparator.comparingDouble(NumberCount::value));
    }
    boolean anyTs = minTs != Long.MAX_VALUE;
    ColumnProfile.State state = new ColumnProfile.State(numericN, mean, m2, numericN > 0 ? min : 0,
        numericN > 0 ? max : 0, sketch.toBytes(), hll.toCompactByteArray(), frequent.toByteArray(SERDE), numbers,
        anyTs ? minTs : null, anyTs ? maxTs : null, exactDistinct == null ? null : toBytes(exactDistinct.toSortedArray()),
        null);
    return new ColumnProfile(name, count, missing, integers, floats, booleans, timestamps, strings, distinct(),
        meanOut, stdOut, numericN > 0 ? min : null, numericN > 0 ? max : null, quantiles, histogram, top,
        anyTs ? Instant.ofEpochMilli(minTs).toString() : null, anyTs ? Instant.ofEpochMilli(maxTs).toString() : null,
        state);
  }

  private List<HistogramBin> histogram(NumericDistribution d, int bins) {
    List<HistogramBin> out = new ArrayList<>();
    if (min == max) {
      out.add(new HistogramBin(min, max, d.n()));
      return out;
    }
    double width = (max - min) / bins;
    long[] counts = d.histogram(bins);
    for (int i = 0; i < bins; i++) {
      out.add(new HistogramBin(min + width * i, i == bins - 1 ? max : min + width * (i + 1), counts[i]));
    }
    return out;
  }

  private List<ValueCount> topValues(int k) {
    List<ValueCount> all = new ArrayList<>();
    if (!frequent.isEmpty()) {
      for (ItemsSketch.Row<String> r : frequent.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
        all.add(new ValueCount(r.getItem(), r.getLowerBound()));
      }
    }
    if (numberKeys != null) {
      for (int i = 0; i < numberKeys.length; i++) {
        if (numberCounts[i] != 0) {
          all.add(new ValueCount(formatNumber(numberKeys[i]), numberCounts[i]));
        }
      }
    }
    all.sort(Comparator.comparingLong(ValueCount::count).reversed().thenComparing(ValueCount::value));
    return all.size() > k ? all.subList(0, k) : all;
  }

  /** Integral numbers without ".0", so "3" in the data reads back as "3". */
  static String formatNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static ColumnAccumulator fromProfile(ColumnProfile p, ProfileOptions options) {
    ColumnAccumulator a = new ColumnAccumulator(p.name(), options);
    a.count = p.count();
    a.missing = p.missing();
    a.integers = p.integers();
    a.floats = p.floats();
    a.booleans = p.booleans();
    a.timestamps = p.timestamps();
    a.strings = p.strings();
    ColumnProfile.State s = p.state();
    a.numericN = s.numericN();
    a.mean = s.mean();
    a.m2 = s.m2();
    if (s.numericN() > 0) {
      a.min = s.min();
      a.max = s.max();
    }
    if (s.minTimestampMillis() != null) {
      a.minTs = s.minTimestampMillis();
      a.maxTs = s.maxTimestampMillis();
    }
    if (s.quantiles() != null) {
      a.sketch = QuantileSketch.fromBytes(s.quantiles());
    } else if (s.kll() != null) {
      a.sketch = fromKll(KllDoublesSketch.heapify(Memory.wrap(s.kll())), options);
    }
    if (s.distinctHashes() == null) {
      a.exactDistinct = null;
    } else {
      for (long h : fromBytes(s.distinctHashes())) {
        a.addDistinct(h);
      }
    }
    a.hll = HllSketch.heapify(s.hll());
    a.frequent = ItemsSketch.getInstance(Memory.wrap(s.frequentItems()), SERDE);
    if (s.numbers() == null) {
      a.numberKeys = null;
      a.numberCounts = null;
    } else {
      for (NumberCount nc : s.numbers()) {
        a.countNumber(nc.value(), nc.count());
      }
    }
    return a;
  }

  /** The numeric values of a stored profile (for drift, validation and quantile queries). */
  static NumericDistribution distributionOf(ColumnProfile p) {
    ColumnProfile.State s = p.state();
    if (s.quantiles() != null) {
      return QuantileSketch.fromBytes(s.quantiles()).toDistribution();
    }
    if (s.numbers() != null) {
      QuantileSketch exact = new QuantileSketch(ProfileOptions.DEFAULT.quantileBuckets());
      for (NumberCount nc : s.numbers()) {
        exact.update(nc.value(), nc.count());
      }
      return exact.toDistribution();
    }
    if (s.kll() != null) {
      return fromKll(KllDoublesSketch.heapify(Memory.wrap(s.kll())), ProfileOptions.DEFAULT).toDistribution();
    }
    return new QuantileSketch(ProfileOptions.DEFAULT.quantileBuckets()).toDistribution();
  }

  /** Profiles stored before the quantile sketch held a KLL sketch: carry its weighted items over. */
  private static QuantileSketch fromKll(KllDoublesSketch kll, ProfileOptions options) {
    QuantileSketch out = new QuantileSketch(options.quantileBuckets());
    if (kll.isEmpty()) {
      return out;
    }
    DoublesSortedView view = kll.getSortedView();
    double[] values = view.getQuantiles();
    long[] cumulative = view.getCumulativeWeights();
    long previous = 0;
    for (int i = 0; i < values.length; i++) {
      out.update(values[i], cumulative[i] - previous);
      previous = cumulative[i];
    }
    return out;
  }

  private static byte[] toBytes(long[] hashes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(hashes.length * 8);
    for (long h : hashes) {
      b.putLong(h);
    }
    return b.array();
  }

  private static long[] fromBytes(byte[] bytes) {
    java.nio.LongBuffer b = java.nio.ByteBuffer.wrap(bytes).asLongBuffer();
    long[] out = new long[b.remaining()];
    b.get(out);
    return out;
  }

  static ItemsSketch<String> frequentOf(ColumnProfile p) {
    return ItemsSketch.getInstance(Memory.wrap(p.state().frequentItems()), SERDE);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(new long[] {count, missing});
  }
}
