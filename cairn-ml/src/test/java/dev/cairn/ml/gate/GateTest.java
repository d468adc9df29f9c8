package dev.cairn.ml.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.ml.eval.SliceGap;
import dev.cairn.ml.eval.SliceReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {
  private static Evaluation classification(double accuracy, double logLoss) {
    return new Evaluation("classification", 100, List.of("no", "yes"),
        Map.of("accuracy", accuracy, "log_loss", logLoss), List.of(), null,
        new SliceReport(10, List.of(), List.of(new SliceGap("region", "accuracy", "s", 0.9, "n", 0.75, 0.15))),
        List.of());
  }

  @Test
  void valueThresholdsPassAndFail() {
    Gate gate = Gate.parse("accuracy >= 0.8", "log_loss <= 0.5");
    GateDecision pass = gate.evaluate(classification(0.83, 0.41), null);
    assertThat(pass.passed()).isTrue();
    assertThat(pass.checks()).extracting(CheckResult::verdict)
        .containsExactly(CheckResult.Verdict.PASS, CheckResult.Verdict.PASS);
    assertThat(pass.notes()).isEmpty();

    GateDecision fail = gate.evaluate(classification(0.83, 0.62), null);
    assertThat(fail.passed()).isFalse();
    CheckResult logLoss = fail.checks().get(1);
    assertThat(logLoss.verdict()).isEqualTo(CheckResult.Verdict.FAIL);
    assertThat(logLoss.value()).isEqualTo(0.62);
    assertThat(logLoss.threshold()).isEqualTo(0.5);
    assertThat(logLoss.line()).startsWith("FAIL").contains("log_loss <= 0.5", "value 0.620000", "threshold 0.500000");
    assertThat(fail.report()).startsWith("gate failed\n");
  }

  @Test
  void changeThresholdsCompareWithTheBaseline() {
    Gate gate = Gate.parse("accuracy >= baseline - 0.01", "log_loss <= baseline + 10%");
    Evaluation baseline = classification(0.85, 0.40);
    // accuracy threshold 0.85 - 0.01 = 0.84; log loss threshold 0.40 + 10% of 0.40 = 0.44
    GateDecision pass = gate.evaluate(classification(0.845, 0.43), baseline);
    assertThat(pass.passed()).isTrue();
    assertThat(pass.checks().get(0).threshold()).isCloseTo(0.84, within(1e-12));
    assertThat(pass.checks().get(0).baselineValue()).isEqualTo(0.85);
    assertThat(pass.checks().get(1).threshold()).isCloseTo(0.44, within(1e-12));
    assertThat(pass.checks().get(0).line()).contains("baseline 0.850000");

    GateDecision fail = gate.evaluate(classification(0.83, 0.43), baseline);
    assertThat(fail.passed()).isFalse();
    assertThat(fail.checks()).extracting(CheckResult::verdict)
        .containsExactly(CheckResult.Verdict.FAIL, CheckResult.Verdict.PASS);
  }

  @Test
  void withoutBaselineChangeThresholdsAreSkippedAndNoted() {
    Gate gate = Gate.parse("accuracy >= 0.8", "accuracy >= baseline - 0.01", "log_loss <= baseline");
    GateDecision decision = gate.evaluate(classification(0.81, 0.9), null);
    assertThat(decision.passed()).isTrue();
    assertThat(decision.checks()).extracting(CheckResult::verdict).containsExactly(CheckResult.Verdict.PASS,
        CheckResult.Verdict.SKIPPED, CheckResult.Verdict.SKIPPED);
    assertThat(decision.notes()).containsExactly("no baseline: change thresholds skipped");
    assertThat(decision.report()).contains("note: no baseline: change thresholds skipped");
    // the value threshold still fails the gate without a baseline
    assertThat(gate.evaluate(classification(0.79, 0.9), null).passed()).isFalse();
  }

  @Test
  void sliceGapChecksUseTheLargestGap() {
    assertThat(Gate.parse("slice_gap.accuracy <= 0.1").evaluate(classification(0.9, 0.3), null).passed()).isFalse();
    assertThat(Gate.parse("slice_gap.accuracy <= 0.2").evaluate(classification(0.9, 0.3), null).passed()).isTrue();
  }

  @Test
  void aMetricMissingFromTheCandidateFails() {
    GateDecision d = Gate.parse("roc_auc >= 0.7").evaluate(classification(0.9, 0.3), null);
    assertThat(d.passed()).isFalse();
    assertThat(d.checks().get(0).reason()).isEqualTo("roc_auc was not computed for the candidate");
  }

  @Test
  void aMetricOfAnotherTaskIsAConfigurationError() {
    assertThatThrownBy(() -> Gate.parse("rmse <= 1").evaluate(classification(0.9, 0.3), null))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("regression metric 'rmse' but the evaluation is a classification")
        .hasMessageContaining("available: accuracy");
  }

  @Test
  void parsesTheConfigMapAndYaml() {
    Gate fromMap = Gate.fromConfig(Map.of("checks", List.of("accuracy >= 0.8",
        Map.of("metric", "log_loss", "at_most", 0.5), Map.of("metric", "accuracy", "at_least", "baseline - 1%"))));
    assertThat(fromMap.checks()).extracting(GateCheck::expression)
        .containsExactly("accuracy >= 0.8", "log_loss <= 0.5", "accuracy >= baseline - 1%");
    Gate fromYaml = Gate.fromYaml("""
        checks:
          - accuracy >= 0.8
          - metric: log_loss
            at_most: 0.5
        """, "gate.yaml");
    assertThat(fromYaml.checks()).hasSize(2);
    assertThat(fromYaml.checks().get(1).comparison()).isEqualTo(Comparison.AT_MOST);
    assertThat(fromYaml.checks().get(1).threshold()).isEqualTo(new Threshold.Value(0.5));
  }

  @Test
  void configErrorsNameTheEntry() {
    assertThatThrownBy(() -> Gate.fromYaml("""
        checks:
          - accuracy >= 0.8
          - metric: log_loss
            maximum: 0.5
        """, "gate.yaml")).hasMessage("gate.yaml: gate config checks[1]: unknown key 'maximum'; use metric with "
        + "at_least or at_most");
    assertThatThrownBy(() -> Gate.fromYaml("checks:\n  - accuracy >= 0.8\n  - acc >= 0.1\n", "gate.yaml"))
        .hasMessageStartingWith("gate.yaml: gate config checks[1]: gate check 'acc >= 0.1' at position 1: "
            + "unknown metric 'acc'; available: accuracy, precision_macro");
    assertThatThrownBy(() -> Gate.fromYaml("checks: [a\n", "gate.yaml")).hasMessageStartingWith("gate.yaml line");
    assertThatThrownBy(() -> Gate.fromConfig(Map.of("check", List.of())))
        .hasMessageContaining("unknown key 'check'");
  }
}
