package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  @Test
  void classificationEvaluationRoundTripsThroughJsonExactly() {
    Evaluation e = Evaluator.evaluate(ClassificationMetricsTest.binary(),
        List.of(new SliceColumn("region", new String[] {"n", "n", "s", "s", "n", "s", "w"})), 2)
        .withImportance(List.of(new FeatureImportance("age", "accuracy", 0.1 / 3, 0.0471404520791032,
            List.of(0.0, 0.1, 0.0))));
    String json = e.toJson();
    assertThat(json).contains("\"confusion_matrix\"", "\"per_class\"", "\"slices\"", "\"importance\"",
        "\"roc_auc\"", "\"rows\" : 7");
    Evaluation back = Evaluation.fromJson(json);
    assertThat(back).isEqualTo(e);
    assertThat(back.metric("log_loss")).isEqualTo(e.metric("log_loss"));
    assertThat(back.confusionMatrix().count("no", "yes")).isEqualTo(2);
    assertThat(back.toJson()).isEqualTo(json);
  }

  @Test
  void regressionEvaluationHasNoLabelsOrMatrix() {
    Evaluation e = Evaluator.evaluate(
        new RegressionPredictions(new double[] {1, 2, 4, 5}, new double[] {1.5, 2, 3, 5}), List.of(), 0);
    assertThat(e.task()).isEqualTo("regression");
    assertThat(e.labels()).isEmpty();
    assertThat(e.confusionMatrix()).isNull();
    assertThat(e.metrics()).containsOnlyKeys("rmse", "mae", "r2");
    assertThat(Evaluation.fromJson(e.toJson())).isEqualTo(e);
  }

  @Test
  void invalidJsonNamesTheLine() {
    assertThatThrownBy(() -> Evaluation.fromJson("{\n\"task\": \"classification\",\n\"rows\": \"many\"}"))
        .hasMessageContaining("line 3");
  }
}
