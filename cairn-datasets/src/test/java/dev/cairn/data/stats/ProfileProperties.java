package dev.cairn.data.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

class ProfileProperties {
  private static Profile profileOf(List<Double> xs, List<Integer> cats) throws Exception {
    StringBuilder csv = new StringBuilder("x,c\n");
    for (int i = 0; i < xs.size(); i++) {
      csv.append(xs.get(i)).append(",k").append(cats.get(i % cats.size())).append('\n');
    }
    Path file = Files.createTempFile("cairn-prop", ".csv");
    try {
      Files.writeString(file, csv);
      return Profiler.profile(file);
    } finally {
      Files.delete(file);
    }
  }

  @Property(tries = 40)
  void mergeOfProfilesEqualsProfileOfConcatenation(
      @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = -1e6, max = 1e6) Double> a,
      @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = -1e6, max = 1e6) Double> b,
      @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 0, max = 20) Integer> cats) throws Exception {
    Profile pa = profileOf(a, cats);
    Profile pb = profileOf(b, cats);
    List<Double> ab = new java.util.ArrayList<>(a);
    ab.addAll(b);
    // categories cycle per file, so build the concatenation's categories the same way
    StringBuilder csv = new StringBuilder("x,c\n");
    for (int i = 0; i < a.size(); i++) {
      csv.append(a.get(i)).append(",k").append(cats.get(i % cats.size())).append('\n');
    }
    for (int i = 0; i < b.size(); i++) {
      csv.append(b.get(i)).append(",k").append(cats.get(i % cats.size())).append('\n');
    }
    Path file = Files.createTempFile("cairn-prop", ".csv");
    Profile whole;
    try {
      Files.writeString(file, csv);
      whole = Profiler.profile(file);
    } finally {
      Files.delete(file);
    }
    Profile merged = Profile.fromJson(pa.toJson()).merge(Profile.fromJson(pb.toJson()));
    ColumnProfile m = merged.requireColumn("x");
    ColumnProfile w = whole.requireColumn("x");
    assertThat(merged.rowCount()).isEqualTo(ab.size());
    assertThat(m.count()).isEqualTo(w.count());
    assertThat(m.min()).isEqualTo(w.min());
    assertThat(m.max()).isEqualTo(w.max());
    double scale = Math.max(1, Math.abs(w.mean()));
    assertThat(m.mean()).isCloseTo(w.mean(), within(1e-9 * scale));
    if (w.std() > 0) {
      assertThat(m.std()).isCloseTo(w.std(), within(1e-6 * Math.max(1, w.std())));
    }
    assertThat(Sketches.frequencies(merged.requireColumn("c"))).isEqualTo(Sketches.frequencies(whole.requireColumn("c")));
    // Distinct counts are HLL estimates (lgK 12, relative standard error ~1.6%): a merged sketch may differ
    // from the whole file's by a little (seen: 398 vs 397 once this property began to run). Issue 6, item 6
    // asks for exact counts below a bound; until then, hold the merge to three standard errors.
    assertThat((double) m.distinct()).isCloseTo(w.distinct(), within(Math.max(1.0, 0.048 * w.distinct())));
  }

  @Property(tries = 15)
  void kllQuantilesStayWithinRankErrorOfExactOnes(@ForAll @IntRange(min = 1000, max = 20000) int n,
      @ForAll long seed) throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[] values = new double[n];
    StringBuilder csv = new StringBuilder("x\n");
    for (int i = 0; i < n; i++) {
      values[i] = Math.round(r.nextDouble() * 1e6) / 1000.0;
      csv.append(values[i]).append('\n');
    }
    Path file = Files.createTempFile("cairn-kll", ".csv");
    Profile p;
    try {
      Files.writeString(file, csv);
      p = Profiler.profile(file);
    } finally {
      Files.delete(file);
    }
    Arrays.sort(values);
    KllDoublesSketch kll = Sketches.quantiles(p.requireColumn("x"));
    double eps = kll.getNormalizedRankError(false);
    for (ColumnProfile.QuantileValue q : p.requireColumn("x").quantiles()) {
      // the estimate's true rank must be within eps of the requested rank
      int below = lowerBound(values, q.value());
      int atOrBelow = upperBound(values, q.value());
      double lo = (double) below / n;
      double hi = (double) atOrBelow / n;
      assertThat(q.q()).isBetween(lo - eps - 1.0 / n, hi + eps + 1.0 / n);
    }
    assertThat(kll.getQuantile(0.5, QuantileSearchCriteria.INCLUSIVE)).isNotNaN();
  }

  private static int lowerBound(double[] a, double v) {
    int i = 0;
    while (i < a.length && a[i] < v) {
      i++;
    }
    return i;
  }

  private static int upperBound(double[] a, double v) {
    int i = 0;
    while (i < a.length && a[i] <= v) {
      i++;
    }
    return i;
  }
}
