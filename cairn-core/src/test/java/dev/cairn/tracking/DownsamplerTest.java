package dev.cairn.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DownsamplerTest {
  private static List<ChartPoint> downsample(List<ChartPoint> series, int maxPoints) {
    long min = series.stream().mapToLong(ChartPoint::x).min().orElse(0);
    long max = series.stream().mapToLong(ChartPoint::x).max().orElse(0);
    Downsampler d = new Downsampler(maxPoints, new MetricAxis.Range(min, max));
    series.forEach(p -> d.add(p.x(), p.y()));
    assertThat(d.total()).isEqualTo(series.size());
    return d.points();
  }

  @Provide
  Arbitrary<List<ChartPoint>> series() {
    Arbitrary<Long> x = Arbitraries.oneOf(Arbitraries.longs().between(-50, 50), Arbitraries.longs(),
        Arbitraries.longs().between(1_700_000_000_000L, 1_700_000_100_000L));
    Arbitrary<Double> y = Arbitraries.oneOf(Arbitraries.doubles().between(-1e6, 1e6),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0));
    return Combinators.combine(x, y).as(ChartPoint::new).list().ofMaxSize(300);
  }

  @Property(tries = 400)
  void neverMoreThanMaxPoints(@ForAll("series") List<ChartPoint> series, @ForAll @IntRange(min = 2, max = 60) int n) {
    assertThat(downsample(series, n)).hasSizeLessThanOrEqualTo(n);
  }

  @Property(tries = 400)
  void outputIsASubsetOfTheInput(@ForAll("series") List<ChartPoint> series, @ForAll @IntRange(min = 2, max = 60) int n) {
    Map<ChartPoint, Integer> left = new HashMap<>();
    series.forEach(p -> left.merge(p, 1, Integer::sum)); // records compare doubles by bits: NaN equals NaN
    for (ChartPoint p : downsample(series, n)) {
      assertThat(left.merge(p, -1, Integer::sum)).as("kept %s no more often than given", p).isGreaterThanOrEqualTo(0);
    }
  }

  @Property(tries = 400)
  void globalMinimumAndMaximumAreKept(@ForAll("series") List<ChartPoint> series, @ForAll @IntRange(min = 2, max = 60) int n) {
    List<Double> ys = series.stream().map(ChartPoint::y).filter(y -> !y.isNaN()).toList();
    List<Double> kept = downsample(series, n).stream().map(ChartPoint::y).toList();
    if (!ys.isEmpty()) { // compared as numbers: -0.0 is 0.0
      double min = ys.stream().min(Comparator.naturalOrder()).orElseThrow();
      double max = ys.stream().max(Comparator.naturalOrder()).orElseThrow();
      assertThat(kept).anyMatch(y -> y == min).anyMatch(y -> y == max);
    }
  }

  @Property(tries = 400)
  void xOrderIsKept(@ForAll("series") List<ChartPoint> series, @ForAll @IntRange(min = 2, max = 60) int n) {
    assertThat(downsample(series, n)).isSortedAccordingTo(Comparator.comparingLong(ChartPoint::x));
  }

  @Property(tries = 300)
  void aShortSeriesComesBackWholeInXOrder(@ForAll("series") List<ChartPoint> series) {
    List<ChartPoint> sorted = series.stream().sorted(Comparator.comparingLong(ChartPoint::x)).toList(); // stable
    assertThat(downsample(series, Math.max(2, series.size()))).containsExactlyElementsOf(sorted);
  }

  @Property(tries = 300)
  void firstAndLastXAreKeptFromFourPointsUp(@ForAll("series") List<ChartPoint> series,
      @ForAll @IntRange(min = 4, max = 60) int n) {
    List<ChartPoint> out = downsample(series, n);
    if (!series.isEmpty()) {
      assertThat(out.get(0).x()).isEqualTo(series.stream().mapToLong(ChartPoint::x).min().orElseThrow());
      assertThat(out.get(out.size() - 1).x()).isEqualTo(series.stream().mapToLong(ChartPoint::x).max().orElseThrow());
    }
  }

  /**
   * What a store does with {@link Downsampler#bucketRange} from 4 points up: per bucket, its first, last, least and
   * greatest point (the first of equal ones), in the series' order.
   */
  @Property(tries = 400)
  void feedingOnlyEachBucketRangesExtremesGivesTheSameAnswer(@ForAll("series") List<ChartPoint> series,
      @ForAll @IntRange(min = 4, max = 60) int n) {
    List<ChartPoint> inKeyOrder = series.stream().sorted(Comparator.comparingLong(ChartPoint::x)).toList();
    long min = inKeyOrder.isEmpty() ? 0 : inKeyOrder.get(0).x();
    long max = inKeyOrder.isEmpty() ? 0 : inKeyOrder.get(inKeyOrder.size() - 1).x();
    Downsampler all = new Downsampler(n, new MetricAxis.Range(min, max));
    inKeyOrder.forEach(p -> all.add(p.x(), p.y()));
    if (all.total() <= n) {
      return; // a short series is answered whole: a store streams it
    }
    Downsampler candidates = new Downsampler(n, new MetricAxis.Range(min, max));
    for (int b = 0; b < candidates.buckets(); b++) {
      MetricAxis.Range r = candidates.bucketRange(b);
      if (r == null) {
        continue;
      }
      List<Integer> in = new java.util.ArrayList<>();
      for (int i = 0; i < inKeyOrder.size(); i++) {
        if (inKeyOrder.get(i).x() >= r.min() && inKeyOrder.get(i).x() <= r.max()) {
          in.add(i);
        }
      }
      if (in.isEmpty()) {
        continue;
      }
      java.util.TreeSet<Integer> keep = new java.util.TreeSet<>(List.of(in.get(0), in.get(in.size() - 1)));
      // as SQL and the downsampler compare: -0.0 equals 0.0
      Comparator<Integer> byY = (i, j) -> {
        double a = inKeyOrder.get(i).y();
        double c = inKeyOrder.get(j).y();
        return a < c ? -1 : a > c ? 1 : 0;
      };
      in.stream().filter(i -> !Double.isNaN(inKeyOrder.get(i).y())).min(byY).ifPresent(keep::add); // first of ties
      in.stream().filter(i -> !Double.isNaN(inKeyOrder.get(i).y())).max(byY.thenComparing(Comparator.reverseOrder()))
          .ifPresent(keep::add);
      keep.forEach(i -> candidates.add(inKeyOrder.get(i).x(), inKeyOrder.get(i).y()));
    }
    assertThat(candidates.points()).containsExactlyElementsOf(all.points());
  }

  @Test
  void aSingleSpikeInAMillionPointsSurvives() {
    Downsampler d = new Downsampler(1000, new MetricAxis.Range(0, 999_999));
    for (int step = 0; step < 1_000_000; step++) {
      d.add(step, step == 612_345 ? 50.0 : 1.0 / (step + 1) + (step % 2) * 1e-9);
    }
    List<ChartPoint> out = d.points();
    assertThat(out).hasSizeLessThanOrEqualTo(1000).hasSizeGreaterThan(250)
        .contains(new ChartPoint(612_345, 50.0), new ChartPoint(0, 1.0))
        .isSortedAccordingTo(Comparator.comparingLong(ChartPoint::x));
    assertThat(out.get(out.size() - 1).x()).isEqualTo(999_999);
  }

  @Test
  void nanAndInfinitiesAreKeptWhereTheyAreABucketsEdgeOrExtreme() {
    Downsampler d = new Downsampler(4, new MetricAxis.Range(0, 9));
    for (int step = 0; step < 10; step++) {
      d.add(step, step == 0 ? Double.NaN : step == 4 ? Double.POSITIVE_INFINITY : step == 5 ? Double.NEGATIVE_INFINITY : step);
    }
    assertThat(d.points()).containsExactly(new ChartPoint(0, Double.NaN), new ChartPoint(4, Double.POSITIVE_INFINITY),
        new ChartPoint(5, Double.NEGATIVE_INFINITY), new ChartPoint(9, 9));
  }

  @Test
  void twoPointsAreTheMinimumAndTheMaximum() {
    Downsampler d = new Downsampler(2, new MetricAxis.Range(0, 99));
    for (int step = 0; step < 100; step++) {
      d.add(step, step == 30 ? -1 : step == 70 ? 7 : 0);
    }
    assertThat(d.points()).containsExactly(new ChartPoint(30, -1), new ChartPoint(70, 7));
  }

  @Test
  void pointsOutsideTheRangeGoToTheEdgeBuckets() {
    Downsampler d = new Downsampler(8, new MetricAxis.Range(10, 20));
    for (long x : new long[] {5, 10, 12, 14, 15, 16, 18, 20, 25}) {
      d.add(x, x);
    }
    List<ChartPoint> out = d.points();
    assertThat(out).hasSizeLessThanOrEqualTo(8).isSortedAccordingTo(Comparator.comparingLong(ChartPoint::x));
    assertThat(out.get(0)).isEqualTo(new ChartPoint(5, 5));
    assertThat(out.get(out.size() - 1)).isEqualTo(new ChartPoint(25, 25));
  }

  @Test
  void fewerThanTwoPointsIsRefused() {
    assertThatThrownBy(() -> new Downsampler(1, new MetricAxis.Range(0, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
  }
}
