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
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Mutable one-column statistics: every cell updates counts, a distinct-count HLL sketch, and either numeric
 * state (Welford moments, KLL quantiles, exact counts of up to 64 distinct numbers) or a frequent-items sketch.
 * Cells are parsed once from char slices; low-cardinality strings reuse interned Strings, so a typical cell
 * allocates nothing.
 */
final class ColumnAccumulator {
  static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
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
  final KllDoublesSketch kll;
  private HllSketch hll;
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
    this.kll = KllDoublesSketch.newHeapInstance(options.kllK());
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
      }
      hllFrom = -1;
    }
    kll.update(p, 0, n);
    pendingN = 0;
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
    hll.update(Cells.hash(b, off, len));
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
      trueCount = 0;
    }
    if (falseCount > 0) {
      frequent.update("false", falseCount);
      hll.update(Cells.hash("false".toCharArray(), 0, 5));
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
    kll.merge(o.kll);
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

  long distinct() {
    flush();
    return Math.round(hll.getEstimate());
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
    if (!kll.isEmpty()) {
      double[] qs = kll.getQuantiles(QUANTILES, QuantileSearchCriteria.INCLUSIVE);
      for (int i = 0; i < qs.length; i++) {
        quantiles.add(new QuantileValue(QUANTILES[i], qs[i]));
      }
      histogram = histogram(options.histogramBins());
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
        numericN > 0 ? max : 0, kll.toByteArray(), hll.toCompactByteArray(), frequent.toByteArray(SERDE), numbers,
        anyTs ? minTs : null, anyTs ? maxTs : null);
    return new ColumnProfile(name, count, missing, integers, floats, booleans, timestamps, strings, distinct(),
        meanOut, stdOut, numericN > 0 ? min : null, numericN > 0 ? max : null, quantiles, histogram, top,
        anyTs ? Instant.ofEpochMilli(minTs).toString() : null, anyTs ? Instant.ofEpochMilli(maxTs).toString() : null,
        state);
  }

  private List<HistogramBin> histogram(int bins) {
    List<HistogramBin> out = new ArrayList<>();
    long n = kll.getN();
    if (min == max) {
      out.add(new HistogramBin(min, max, n));
      return out;
    }
    double width = (max - min) / bins;
    double[] splits = new double[bins - 1];
    for (int i = 0; i < splits.length; i++) {
      splits[i] = min + width * (i + 1);
    }
    double[] pmf = splits.length == 0 ? new double[] {1.0}
        : kll.getPMF(splits, QuantileSearchCriteria.EXCLUSIVE);
    long assigned = 0;
    for (int i = 0; i < bins; i++) {
      long c = i == bins - 1 ? n - assigned : Math.round(pmf[i] * n);
      assigned += c;
      out.add(new HistogramBin(min + width * i, i == bins - 1 ? max : min + width * (i + 1), c));
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
    a.kll.merge(KllDoublesSketch.heapify(Memory.wrap(s.kll())));
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

  /** A read-only KLL sketch of a profile's numeric values (for drift and validation). */
  static KllDoublesSketch kllOf(ColumnProfile p) {
    return KllDoublesSketch.heapify(Memory.wrap(p.state().kll()));
  }

  static ItemsSketch<String> frequentOf(ColumnProfile p) {
    return ItemsSketch.getInstance(Memory.wrap(p.state().frequentItems()), SERDE);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(new long[] {count, missing});
  }
}
