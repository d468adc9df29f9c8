package dev.cairn.data.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The sketch's state is a function of the multiset of values: any order, any split into merged parts, and
 * folding under a small bucket budget give the same bytes; bucketed quantiles stay within the stated error.
 */
class QuantileSketchProperties {
  private static double[] values(long seed, int n) {
    Random r = new Random(seed);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      // both signs, zeros, repeats and a wide range of magnitudes, so buckets fold under a small budget
      out[i] = switch (r.nextInt(6)) {
        case 0 -> 0.0;
        case 1 -> out[Math.max(0, i - 1 - r.nextInt(Math.max(1, i)))];
        default -> (r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextInt(12) - 6) * (1 + r.nextDouble());
      };
    }
    return out;
  }

  @Property(tries = 60)
  void orderAndMergeSplitsDoNotChangeTheBytes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5000) int n,
      @ForAll @IntRange(min = 16, max = 2048) int buckets, @ForAll @IntRange(min = 1, max = 7) int parts) {
    double[] xs = values(seed, n);
    QuantileSketch whole = new QuantileSketch(buckets);
    for (double x : xs) {
      whole.update(x);
    }
    List<Double> shuffled = new ArrayList<>();
    for (double x : xs) {
      shuffled.add(x);
    }
    Collections.shuffle(shuffled, new Random(seed + 1));
    List<QuantileSketch> pieces = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      pieces.add(new QuantileSketch(buckets));
    }
    Random pick = new Random(seed + 2);
    for (double x : shuffled) {
      pieces.get(pick.nextInt(parts)).update(x);
    }
    QuantileSketch merged = QuantileSketch.fromBytes(pieces.get(parts - 1).toBytes());
    for (int p = parts - 2; p >= 0; p--) {
      merged.merge(QuantileSketch.fromBytes(pieces.get(p).toBytes()));
    }
    assertThat(merged.toBytes()).isEqualTo(whole.toBytes());
    assertThat(QuantileSketch.fromBytes(whole.toBytes()).toBytes()).isEqualTo(whole.toBytes());
  }

  @Property(tries = 40)
  void quantilesAreWithinTheRelativeErrorOrTheFoldedMagnitude(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 5000) int n, @ForAll @IntRange(min = 16, max = 20000) int buckets) {
    double[] xs = values(seed, n);
    QuantileSketch s = new QuantileSketch(buckets);
    for (double x : xs) {
      s.update(x);
    }
    NumericDistribution d = s.toDistribution();
    double[] sorted = xs.clone();
    Arrays.sort(sorted);
    assertThat(d.n()).isEqualTo(n);
    for (int i = 0; i <= 20; i++) {
      double q = i / 20.0;
      double exact = q == 0 ? sorted[0] : sorted[(int) Math.ceil(q * n) - 1];
      double bound = Math.max(Math.abs(exact) * d.relativeError(), d.absoluteError()) * (1 + 1e-12);
      assertThat(d.quantile(q)).as("q=%s", q).isCloseTo(exact, within(bound));
    }
  }
}
