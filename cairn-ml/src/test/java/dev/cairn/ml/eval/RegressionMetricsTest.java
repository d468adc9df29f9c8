package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
  @Test
  void rmseMaeAndR2MatchHandComputation() {
    // actual 1, 2, 4, 5; predicted 1.5, 2, 3, 5 -> errors -0.5, 0, 1, 0
    // RMSE = sqrt((0.25 + 0 + 1 + 0) / 4) = sqrt(0.3125) = 0.5590169944
    // MAE = (0.5 + 0 + 1 + 0) / 4 = 0.375
    // mean actual 3, total SS = 4 + 1 + 1 + 4 = 10, residual SS = 1.25 -> R2 = 1 - 1.25/10 = 0.875
    var p = new RegressionPredictions(new double[] {1, 2, 4, 5}, new double[] {1.5, 2, 3, 5});
    assertThat(RegressionMetrics.rmse(p).getAsDouble()).isCloseTo(0.5590169943749475, within(1e-12));
    assertThat(RegressionMetrics.mae(p).getAsDouble()).isCloseTo(0.375, within(1e-12));
    assertThat(RegressionMetrics.r2(p).getAsDouble()).isCloseTo(0.875, within(1e-12));
  }

  @Test
  void r2IsUndefinedForConstantActualValues() {
    var p = new RegressionPredictions(new double[] {2, 2}, new double[] {1, 3});
    assertThat(RegressionMetrics.r2(p)).isEmpty();
    assertThat(Metric.computeAll(p)).containsOnlyKeys("rmse", "mae");
  }
}
