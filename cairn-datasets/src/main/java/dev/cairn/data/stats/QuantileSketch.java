package dev.cairn.data.stats;

import dev.cairn.core.CairnException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A deterministic, mergeable quantile sketch. While a column has at most {@link #EXACT_VALUES} distinct numbers it
 * counts each exactly; beyond that each value falls into a logarithmic bucket 1/1024 of a binary octave wide (the
 * top 10 mantissa bits), and buckets are counted exactly, so a bucket's midpoint is within 2^-11 (about 0.05%) of
 * every value in it. Its state is a function of the multiset of values only, not of their
 * order or of how a table was split into merged parts, which is what makes profiles and drift reproducible.
 *
 * <p>At most {@code maxBuckets} buckets are kept: when more are in use, the buckets of the smallest magnitudes
 * (both signs) are folded into one bucket at zero, so the error bound for values below that threshold becomes
 * absolute ({@link #zeroThreshold()}).
 */
public final class QuantileSketch {
  /** Default bucket budget: 16 octaves of both signs at full resolution, a few tens of KiB serialised. */
  public static final int DEFAULT_BUCKETS = 16384;
  /** Mantissa bits a bucket keeps: 1024 buckets per octave. */
  static final int SUB_BITS = 10;
  /** Largest relative distance from a value to its bucket's midpoint. */
  static final double RELATIVE_ERROR = Math.scalb(1.0, -SUB_BITS - 1);
  /** Distinct numbers counted exactly before switching to buckets. */
  static final int EXACT_VALUES = 1024;
  private static final int SHIFT = 52 - SUB_BITS;
  private static final int FORMAT = 1;

  private final int maxBuckets;
  // exact counts while at most EXACT_VALUES distinct values; null once the buckets hold everything
  private double[] exactKeys = new double[16];
  private long[] exactCounts = new long[16];
  private int exactSize;
  // open addressing, key -> count; a slot is empty when its count is 0
  private int[] keys = new int[64];
  private long[] counts = new long[64];
  private int size;
  // magnitudes at or below this fold into the zero bucket; -1 while nothing has been folded
  private int foldedMagnitude = -1;
  private long zeroCount;
  private long n;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  public QuantileSketch(int maxBuckets) {
    if (maxBuckets < 16) {
      throw CairnException.invalid("quantile sketch needs at least 16 buckets; got " + maxBuckets);
    }
    this.maxBuckets = maxBuckets;
  }

  /** Key of a value's bucket, increasing with the value; +0.0 and -0.0 share key 0's magnitude. */
  static int key(double v) {
    if (v >= 0) {
      return (int) (Double.doubleToRawLongBits(v + 0.0) >>> SHIFT);
    }
    return -(int) (Double.doubleToRawLongBits(-v) >>> SHIFT) - 1;
  }

  private static int magnitude(int key) {
    return key >= 0 ? key : -key - 1;
  }

  /** Midpoint of a bucket (infinities stay infinite). */
  static double midpoint(int key) {
    if (key < 0) {
      return key == -1 ? 0.0 : -midpoint(-key - 1);
    }
    if (key == 0) {
      return 0.0; // the bucket of zero and the tiniest subnormals: zero is exact
    }
    double lo = Double.longBitsToDouble((long) key << SHIFT);
    if (Double.isInfinite(lo) || Double.isNaN(lo)) {
      return Double.POSITIVE_INFINITY;
    }
    double hi = Double.longBitsToDouble((long) (key + 1) << SHIFT);
    return Double.isInfinite(hi) ? lo : lo + (hi - lo) / 2;
  }

  public long n() {
    return n;
  }

  /**
   * Largest absolute error of a bucketed value: the width of the lowest bucket (subnormals below 2.2e-311 are
   * counted at zero), or above it every magnitude folded into zero.
   */
  double zeroThreshold() {
    return Double.longBitsToDouble((long) (Math.max(0, foldedMagnitude) + 1) << SHIFT);
  }

  public void update(double v) {
    update(v, 1);
  }

  void update(double v, long weight) {
    if (v != v || weight <= 0) {
      return;
    }
    n += weight;
    if (v < min) {
      min = v;
    }
    if (v > max) {
      max = v;
    }
    insert(v == 0 ? 0.0 : v, weight);
  }

  private void insert(double v, long weight) {
    if (exactKeys != null) {
      addExact(v, weight);
    } else {
      add(key(v), weight);
    }
  }

  private void addExact(double v, long weight) {
    int mask = exactKeys.length - 1;
    int slot = exactSlot(v, mask);
    while (exactCounts[slot] != 0) {
      if (exactKeys[slot] == v) {
        exactCounts[slot] += weight;
        return;
      }
      slot = (slot + 1) & mask;
    }
    // a new value: past the limit everything moves to buckets (only new values count, so order cannot matter)
    if (exactSize >= EXACT_VALUES) {
      toBuckets();
      add(key(v), weight);
      return;
    }
    if ((exactSize + 1) * 2 > exactKeys.length) {
      double[] oldKeys = exactKeys;
      long[] oldCounts = exactCounts;
      exactKeys = new double[oldKeys.length * 2];
      exactCounts = new long[oldKeys.length * 2];
      exactSize = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldCounts[i] != 0) {
          addExact(oldKeys[i], oldCounts[i]);
        }
      }
      addExact(v, weight);
      return;
    }
    exactKeys[slot] = v;
    exactCounts[slot] = weight;
    exactSize++;
  }

  private static int exactSlot(double v, int mask) {
    long bits = Double.doubleToLongBits(v);
    return (int) ((bits ^ (bits >>> 31)) * 0x9E3779B97F4A7C15L >>> 40) & mask;
  }

  /** Moves the exact counts into buckets: the same buckets the values would have reached one by one. */
  private void toBuckets() {
    double[] oldKeys = exactKeys;
    long[] oldCounts = exactCounts;
    exactKeys = null;
    exactCounts = null;
    exactSize = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldCounts[i] != 0) {
        add(key(oldKeys[i]), oldCounts[i]);
      }
    }
  }

  void update(double[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      update(values[i], 1);
    }
  }

  private void add(int key, long weight) {
    if (magnitude(key) <= foldedMagnitude) {
      zeroCount += weight;
      return;
    }
    if (size * 2 >= keys.length) {
      if (size >= 2 * maxBuckets) {
        fold();
        if (magnitude(key) <= foldedMagnitude) {
          zeroCount += weight;
          return;
        }
      }
      if (size * 2 >= keys.length) {
        rehash(keys.length * 2);
      }
    }
    int mask = keys.length - 1;
    int slot = mix(key) & mask;
    while (counts[slot] != 0) {
      if (keys[slot] == key) {
        counts[slot] += weight;
        return;
      }
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    counts[slot] = weight;
    size++;
  }

  private static int mix(int key) {
    int h = key * 0x9E3779B1;
    return h ^ (h >>> 15);
  }

  private void rehash(int capacity) {
    int[] oldKeys = keys;
    long[] oldCounts = counts;
    keys = new int[capacity];
    counts = new long[capacity];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldCounts[i] != 0) {
        add(oldKeys[i], oldCounts[i]);
      }
    }
  }

  /**
   * Folds the smallest magnitudes until at most {@code maxBuckets} buckets remain. The kept buckets are those of
   * the largest magnitudes ever seen, whatever the order of updates, so the result does not depend on it.
   */
  private void fold() {
    if (size <= maxBuckets) {
      return;
    }
    int[] mags = new int[size];
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      if (counts[i] != 0) {
        mags[j++] = magnitude(keys[i]);
      }
    }
    Arrays.sort(mags);
    // keep magnitudes strictly above the threshold; both signs of one magnitude go together
    int keep = 0;
    int threshold = foldedMagnitude;
    for (int i = mags.length - 1; i >= 0; i--) {
      int same = i;
      while (same > 0 && mags[same - 1] == mags[i]) {
        same--;
      }
      int group = i - same + 1;
      if (keep + group > maxBuckets) {
        threshold = Math.max(threshold, mags[i]);
        break;
      }
      keep += group;
      i = same;
    }
    foldedMagnitude = threshold;
    rehash(keys.length);
  }

  void merge(QuantileSketch other) {
    if (other.n == 0) {
      return;
    }
    n += other.n;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    if (exactKeys != null && other.exactKeys != null) {
      for (int i = 0; i < other.exactKeys.length; i++) {
        if (other.exactCounts[i] != 0) {
          insert(other.exactKeys[i], other.exactCounts[i]);
        }
      }
      fold();
      return;
    }
    if (exactKeys != null) {
      toBuckets();
    }
    if (other.exactKeys != null) {
      for (int i = 0; i < other.exactKeys.length; i++) {
        if (other.exactCounts[i] != 0) {
          add(key(other.exactKeys[i]), other.exactCounts[i]);
        }
      }
      fold();
      return;
    }
    foldedMagnitude = Math.max(foldedMagnitude, other.foldedMagnitude);
    zeroCount += other.zeroCount;
    if (foldedMagnitude > -1) {
      rehash(keys.length); // re-applies the (possibly higher) threshold to the buckets already held
    }
    for (int i = 0; i < other.keys.length; i++) {
      if (other.counts[i] != 0) {
        add(other.keys[i], other.counts[i]);
      }
    }
    fold();
  }

  /** The buckets as a sorted distribution (midpoints clamped to the exact min and max). */
  public NumericDistribution toDistribution() {
    if (exactKeys != null) {
      double[] values = sortedExactValues();
      long[] weights = new long[values.length];
      for (int i = 0; i < values.length; i++) {
        weights[i] = exactCount(values[i]);
      }
      return new NumericDistribution(values, weights, n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max, true, 0);
    }
    fold();
    int[] sorted = sortedKeys();
    boolean zero = zeroCount > 0;
    double[] values = new double[size + (zero ? 1 : 0)];
    long[] weights = new long[values.length];
    int out = 0;
    int k = 0;
    while (k < sorted.length && sorted[k] < 0) {
      values[out] = midpoint(sorted[k]);
      weights[out++] = count(sorted[k++]);
    }
    if (zero) {
      values[out] = 0;
      weights[out++] = zeroCount;
    }
    while (k < sorted.length) {
      values[out] = midpoint(sorted[k]);
      weights[out++] = count(sorted[k++]);
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.min(max, Math.max(min, values[i]));
    }
    return new NumericDistribution(values, weights, n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max, false,
        zeroThreshold());
  }

  private int[] sortedKeys() {
    int[] sorted = new int[size];
    int j = 0;
    for (int i = 0; i < keys.length; i++) {
      if (counts[i] != 0) {
        sorted[j++] = keys[i];
      }
    }
    Arrays.sort(sorted);
    return sorted;
  }

  private double[] sortedExactValues() {
    double[] values = new double[exactSize];
    int j = 0;
    for (int i = 0; i < exactKeys.length; i++) {
      if (exactCounts[i] != 0) {
        values[j++] = exactKeys[i];
      }
    }
    Arrays.sort(values);
    return values;
  }

  private long exactCount(double v) {
    int mask = exactKeys.length - 1;
    int slot = exactSlot(v, mask);
    while (exactKeys[slot] != v || exactCounts[slot] == 0) {
      slot = (slot + 1) & mask;
    }
    return exactCounts[slot];
  }

  private long count(int key) {
    int mask = keys.length - 1;
    int slot = mix(key) & mask;
    while (keys[slot] != key || counts[slot] == 0) {
      slot = (slot + 1) & mask;
    }
    return counts[slot];
  }

  /** Canonical bytes: the same multiset of values always gives the same bytes. */
  byte[] toBytes() {
    fold();
    int[] sorted = sortedKeys();
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + size * 3);
    out.write(FORMAT);
    writeVarLong(out, maxBuckets);
    writeVarLong(out, n);
    writeVarLong(out, foldedMagnitude + 1L);
    writeVarLong(out, zeroCount);
    writeLong(out, Double.doubleToLongBits(n == 0 ? 0 : min));
    writeLong(out, Double.doubleToLongBits(n == 0 ? 0 : max));
    if (exactKeys != null) {
      double[] values = sortedExactValues();
      writeVarLong(out, values.length + 1L);
      for (double v : values) {
        writeLong(out, Double.doubleToLongBits(v));
        writeVarLong(out, exactCount(v));
      }
    } else {
      writeVarLong(out, 0);
    }
    writeVarLong(out, size);
    long previous = Integer.MIN_VALUE;
    for (int key : sorted) {
      writeVarLong(out, key - previous);
      writeVarLong(out, count(key));
      previous = key;
    }
    return out.toByteArray();
  }

  static QuantileSketch fromBytes(byte[] bytes) {
    int[] pos = {0};
    if (bytes.length == 0 || bytes[0] != FORMAT) {
      throw CairnException.invalid("quantile sketch bytes have an unknown format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
    }
    pos[0] = 1;
    try {
      QuantileSketch s = new QuantileSketch((int) readVarLong(bytes, pos));
      long total = readVarLong(bytes, pos);
      s.foldedMagnitude = (int) (readVarLong(bytes, pos) - 1);
      s.zeroCount = readVarLong(bytes, pos);
      double lo = Double.longBitsToDouble(readLong(bytes, pos));
      double hi = Double.longBitsToDouble(readLong(bytes, pos));
      int exact = (int) readVarLong(bytes, pos) - 1;
      if (exact < 0) {
        s.exactKeys = null;
        s.exactCounts = null;
      }
      for (int i = 0; i < exact; i++) {
        double v = Double.longBitsToDouble(readLong(bytes, pos));
        s.addExact(v, readVarLong(bytes, pos));
      }
      int buckets = (int) readVarLong(bytes, pos);
      long key = Integer.MIN_VALUE;
      for (int i = 0; i < buckets; i++) {
        key += readVarLong(bytes, pos);
        s.add((int) key, readVarLong(bytes, pos));
      }
      s.n = total;
      if (total > 0) {
        s.min = lo;
        s.max = hi;
      }
      return s;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw CairnException.invalid("quantile sketch bytes are truncated (" + bytes.length + " bytes)");
    }
  }

  private static void writeVarLong(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long readVarLong(byte[] b, int[] pos) {
    long v = 0;
    int shift = 0;
    while (true) {
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int i = 56; i >= 0; i -= 8) {
      out.write((int) (v >>> i) & 0xFF);
    }
  }

  private static long readLong(byte[] b, int[] pos) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[pos[0]++] & 0xFF);
    }
    return v;
  }
}
