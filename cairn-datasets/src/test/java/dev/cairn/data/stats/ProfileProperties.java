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
    // below the exact limit distinct counts are exact, so the merge must agree to the unit, and with a set
    assertThat(m.distinct()).isEqualTo(w.distinct()).isEqualTo(new java.util.HashSet<>(ab).size());
    assertThat(m.state().quantiles()).isEqualTo(w.state().quantiles());
  }

  @Property(tries = 15)
  void quantilesStayWithinTheSketchRelativeErrorOfExactOnes(@ForAll @IntRange(min = 1000, max = 20000) int n,
      @ForAll long seed, @ForAll @DoubleRange(min = 0.0, max = 1.0) double q) throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[] values = new double[n];
    StringBuilder csv = new StringBuilder("x\n");
    for (int i = 0; i < n; i++) {
      values[i] = (r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(6));
      csv.append(values[i]).append('\n');
    }
    Path file = Files.createTempFile("cairn-quantiles", ".csv");
    Profile p;
    try {
      Files.writeString(file, csv);
      p = Profiler.profile(file);
    } finally {
      Files.delete(file);
    }
    Arrays.sort(values);
    ColumnProfile x = p.requireColumn("x");
    NumericDistribution d = Sketches.quantiles(x);
    assertThat(d.isExact()).isEqualTo(Arrays.stream(values).distinct().count() <= 1024);
    assertThat(d.absoluteError()).isLessThan(1e-300); // nothing folded: only the subnormal bucket's width
    for (double rank : new double[] {q, 0.1, 0.5, 0.9}) {
      double exact = values[(int) Math.max(0, Math.ceil(rank * n) - 1)];
      assertThat(x.quantile(rank)).isCloseTo(exact,
          within(Math.max(Math.abs(exact) * d.relativeError(), d.absoluteError()) * (1 + 1e-12)));
    }
    for (ColumnProfile.QuantileValue stored : x.quantiles()) {
      assertThat(stored.value()).isEqualTo(x.quantile(stored.q()));
    }
    assertThat(x.quantile(0)).isEqualTo(values[0]);
    assertThat(x.quantile(1)).isEqualTo(values[n - 1]);
  }
}
