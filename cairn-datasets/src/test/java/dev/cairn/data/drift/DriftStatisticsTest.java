package dev.cairn.data.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class DriftStatisticsTest {
  @Test
  void ksStatisticOnHandComputedSamples() {
    assertThat(DriftStatistics.ksStatistic(new double[] {1, 2, 3, 4}, new double[] {3, 4, 5, 6})).isEqualTo(0.5);
    assertThat(DriftStatistics.ksStatistic(new double[] {1, 2}, new double[] {1, 2})).isEqualTo(0.0);
    assertThat(DriftStatistics.ksStatistic(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(1.0);
  }

  @Test
  void ksPValueAgreesWithCommonsMath() {
    SplittableRandom r = new SplittableRandom(3);
    double[] a = new double[300];
    double[] b = new double[400];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextGaussian() + 0.2;
    }
    DriftStatistics.Result ks = DriftStatistics.ks(a, b);
    KolmogorovSmirnovTest reference = new KolmogorovSmirnovTest();
    assertThat(ks.statistic()).isCloseTo(reference.kolmogorovSmirnovStatistic(a, b), within(1e-12));
    assertThat(ks.pValue()).isCloseTo(reference.kolmogorovSmirnovTest(a, b), within(1e-6));
  }

  @Test
  void wassersteinOfShiftedSampleIsTheShift() {
    assertThat(DriftStatistics.wasserstein(new double[] {0, 1}, new double[] {1, 2})).isCloseTo(1.0, within(1e-12));
    assertThat(DriftStatistics.wasserstein(new double[] {0, 1, 3}, new double[] {5, 6, 8})).isCloseTo(5.0, within(1e-12));
    // |F_a - F_b| is 1/2 on [0,1): area 0.5
    assertThat(DriftStatistics.wasserstein(new double[] {0, 1}, new double[] {1, 1})).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void psiOnHandComputedProportions() {
    double psi = DriftStatistics.psi(new double[] {0.5, 0.5}, new double[] {0.25, 0.75}, 1e-4);
    double expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.75 - 0.5) * Math.log(0.75 / 0.5);
    assertThat(psi).isCloseTo(expected, within(1e-12)).isCloseTo(0.274653, within(1e-6));
    // an empty current bin is smoothed to epsilon instead of giving infinity
    double smoothed = DriftStatistics.psi(new double[] {0.5, 0.5}, new double[] {0.0, 1.0}, 1e-4);
    assertThat(smoothed).isCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), within(1e-12));
  }

  @Test
  void psiOnSamplesUsesReferenceQuantileBins() {
    double[] ref = {1, 2, 3, 4};
    // 2 bins, inner edge = median of ref = 2.5: ref proportions 0.5/0.5; current {1, 5, 6, 7} -> 0.25/0.75
    assertThat(DriftStatistics.psi(ref, new double[] {1, 5, 6, 7}, 2, 1e-4)).isCloseTo(0.274653, within(1e-6));
  }

  @Test
  void jensenShannonOnHandComputedDistributions() {
    assertThat(DriftStatistics.jensenShannon(new double[] {1, 0}, new double[] {0, 1})).isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
    assertThat(DriftStatistics.jensenShannon(new double[] {1, 1}, new double[] {5, 5})).isCloseTo(0.0, within(1e-12));
    assertThat(DriftStatistics.jensenShannon(new double[] {1, 0}, new double[] {0.5, 0.5})).isCloseTo(0.464502, within(1e-6));
    assertThat(DriftStatistics.jensenShannon(Map.of("a", 10L), Map.of("a", 5L, "b", 5L))).isCloseTo(0.464502, within(1e-6));
  }

  @Test
  void chiSquaredAndZTestOnHandComputedCounts() {
    DriftStatistics.Result chi = DriftStatistics.chiSquared(Map.of("a", 50L, "b", 50L), Map.of("a", 30L, "b", 70L));
    // expected counts 40/60 per row: 2 * (10^2/40 + 10^2/60) = 8.3333, df 1
    assertThat(chi.statistic()).isCloseTo(25.0 / 3, within(1e-12));
    assertThat(chi.pValue()).isCloseTo(0.0038924, within(1e-6));
    DriftStatistics.Result unseen = DriftStatistics.chiSquared(Map.of("a", 100L), Map.of("a", 50L, "b", 50L));
    assertThat(unseen.pValue()).isLessThan(1e-10);
    DriftStatistics.Result z = DriftStatistics.zTest(50, 100, 30, 100);
    assertThat(z.statistic()).isCloseTo(2.886751, within(1e-6));
    assertThat(z.pValue()).isCloseTo(chi.pValue(), within(1e-9));
  }
}
