package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ml.eval.FeatureImportance;
import dev.cairn.server.ui.EvaluationPage.Bar;
import dev.cairn.server.ui.EvaluationPage.ImportanceChart;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The importance bars' geometry: one scale for bars and whiskers, zero inside it, negative drops to its left. */
class ImportanceChartTest {
  static FeatureImportance importance(String feature, double mean, double std) {
    return new FeatureImportance(feature, "accuracy", mean, std, List.of(mean));
  }

  @Test
  void barsRunFromZeroToTheMeanAndWhiskersSpanOneStdEitherSide() {
    ImportanceChart chart = EvaluationPage.chart(List.of(importance("tenure", 0.10, 0.02),
        importance("plan", 0.30, 0.05), importance("noise", -0.04, 0.01)));
    assertThat(chart.metric()).isEqualTo("accuracy");
    assertThat(chart.bars()).extracting(Bar::feature).containsExactly("plan", "tenure", "noise");
    // the scale runs from -0.05 (noise's mean - std) to 0.35 (plan's mean + std) over the plot's width
    double perUnit = EvaluationPage.PLOT_WIDTH / 0.40;
    assertThat(chart.zeroX()).isCloseTo(EvaluationPage.LABEL_WIDTH + (int) Math.round(0.05 * perUnit),
        org.assertj.core.api.Assertions.within(1));
    Bar plan = chart.bars().get(0);
    assertThat(plan.x()).isEqualTo(chart.zeroX());
    assertThat(plan.width()).isCloseTo((int) Math.round(0.30 * perUnit), org.assertj.core.api.Assertions.within(1));
    assertThat(plan.high()).isEqualTo(EvaluationPage.LABEL_WIDTH + EvaluationPage.PLOT_WIDTH);
    assertThat(plan.high() - plan.low()).isCloseTo((int) Math.round(0.10 * perUnit),
        org.assertj.core.api.Assertions.within(1));
    Bar noise = chart.bars().get(2);
    assertThat(noise.x() + noise.width()).isEqualTo(chart.zeroX()); // left of zero
    assertThat(noise.low()).isEqualTo(EvaluationPage.LABEL_WIDTH);
    assertThat(chart.bars()).extracting(Bar::y).isSorted().doesNotHaveDuplicates();
    assertThat(chart.width()).isGreaterThan(plan.high() + 100); // room for the value label
  }

  @Test
  void noImportanceNoChartAndLongNamesAreCut() {
    assertThat(EvaluationPage.chart(List.of())).isNull();
    Bar only = EvaluationPage.chart(List.of(importance("a_feature_with_a_very_long_name", 0, 0))).bars().get(0);
    assertThat(only.width()).isZero();
    assertThat(only.label()).hasSize(22).endsWith("…");
    assertThat(only.value()).isEqualTo("0 ± 0");
  }
}
