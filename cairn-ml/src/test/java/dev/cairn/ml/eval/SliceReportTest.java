package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SliceReportTest {
  // region per row of ClassificationMetricsTest.binary(): n n s s n s w
  private static final SliceColumn REGION = new SliceColumn("region", new String[] {"n", "n", "s", "s", "n", "s", "w"});

  @Test
  void metricsPerSliceMatchHandComputation() {
    SliceReport report = SliceReport.compute(ClassificationMetricsTest.binary(), List.of(REGION), 2);
    // n = rows 0,1,4: yes->yes, yes->no, no->yes: accuracy 1/3
    // s = rows 2,3,5: yes->yes, no->no, no->yes: accuracy 2/3
    // w = row 6: no->no: accuracy 1, but 1 row < minimum 2
    assertThat(report.slices()).extracting(SliceMetrics::value).containsExactly("n", "s", "w");
    SliceMetrics n = report.slice("region", "n").orElseThrow();
    assertThat(n.rows()).isEqualTo(3);
    assertThat(n.metrics().get("accuracy")).isCloseTo(1.0 / 3, within(1e-12));
    // n log loss = -ln(0.9 * 0.4 * 0.4) / 3 = 0.6459806598; s = -ln(0.6 * 0.8 * 0.2) / 3 = 0.7811356958
    assertThat(n.metrics().get("log_loss")).isCloseTo(0.6459806598020454, within(1e-12));
    assertThat(report.slice("region", "s").orElseThrow().metrics().get("log_loss"))
        .isCloseTo(0.7811356958381003, within(1e-12));
    SliceMetrics w = report.slice("region", "w").orElseThrow();
    assertThat(w.inGap()).isFalse();
    assertThat(w.metrics().get("accuracy")).isEqualTo(1.0);
  }

  @Test
  void gapsUseTheMetricDirectionAndSkipSmallSlices() {
    SliceReport report = SliceReport.compute(ClassificationMetricsTest.binary(), List.of(REGION), 2);
    // accuracy: best s (2/3), worst n (1/3); w (accuracy 1) is below the minimum size and left out
    SliceGap accuracy = report.gap("region", "accuracy").orElseThrow();
    assertThat(accuracy.bestSlice()).isEqualTo("s");
    assertThat(accuracy.worstSlice()).isEqualTo("n");
    assertThat(accuracy.gap()).isCloseTo(1.0 / 3, within(1e-12));
    // log loss: lower is better, so best n (0.64598), worst s (0.78114), gap 0.13515503604
    SliceGap logLoss = report.gap("region", "log_loss").orElseThrow();
    assertThat(logLoss.bestSlice()).isEqualTo("n");
    assertThat(logLoss.worstSlice()).isEqualTo("s");
    assertThat(logLoss.gap()).isCloseTo(0.13515503603605483, within(1e-12));
    // with minimum 1, w joins and becomes the best accuracy slice: gap 1 - 1/3
    SliceReport all = SliceReport.compute(ClassificationMetricsTest.binary(), List.of(REGION), 1);
    assertThat(all.gap("region", "accuracy").orElseThrow().gap()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(all.largestGaps().get("accuracy")).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void nullSliceValuesFormTheMissingSlice() {
    var column = new SliceColumn("plan", new String[] {"a", null, "a", null, "a", null, "a"});
    SliceReport report = SliceReport.compute(ClassificationMetricsTest.binary(), List.of(column), 0);
    assertThat(report.slice("plan", SliceColumn.MISSING).orElseThrow().rows()).isEqualTo(3);
  }

  @Test
  void regressionSlicesHaveRegressionMetrics() {
    // slice x = rows 0,1: errors -0.5, 0 -> MAE 0.25; slice y = rows 2,3: errors 1, 0 -> MAE 0.5
    var p = new RegressionPredictions(new double[] {1, 2, 4, 5}, new double[] {1.5, 2, 3, 5});
    SliceReport report = SliceReport.compute(p, List.of(new SliceColumn("g", new String[] {"x", "x", "y", "y"})), 1);
    assertThat(report.slice("g", "x").orElseThrow().metrics().get("mae")).isCloseTo(0.25, within(1e-12));
    SliceGap mae = report.gap("g", "mae").orElseThrow();
    assertThat(mae.bestSlice()).isEqualTo("x");
    assertThat(mae.gap()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void sliceColumnMustHaveOneValuePerRow() {
    assertThatThrownBy(() -> SliceReport.compute(ClassificationMetricsTest.binary(),
        List.of(new SliceColumn("region", new String[] {"n"})), 1))
        .hasMessageContaining("slice column 'region' has 1 values but there are 7 rows");
  }
}
