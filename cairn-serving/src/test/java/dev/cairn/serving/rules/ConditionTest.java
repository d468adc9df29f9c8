package dev.cairn.serving.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.serving.rules.Evaluation.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {
  /** Figures from a map: {@code "psi(tenure)"} or {@code "p99_ms"} to a value; absent means missing. */
  static Figures figures(Map<String, Double> values) {
    return (metric, feature) -> values.get(feature == null ? metric.wire() : metric.wire() + "(" + feature + ")");
  }

  static Figures figures(Object... pairs) {
    Map<String, Double> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
    }
    return figures(m);
  }

  @Test
  void canaryGateFromTheIssueHoldsOnlyWhenEveryPartHolds() {
    Condition c = Condition.parse("error_rate < 0.01 and p99_ms < 50 and accuracy >= baseline - 0.01");
    Figures baseline = figures("accuracy", 0.90);
    assertThat(c.usesBaseline()).isTrue();
    assertThat(c.metrics()).containsExactly(Metric.ERROR_RATE, Metric.P99_MS, Metric.ACCURACY);
    assertThat(c.evaluate(List.of(figures("error_rate", 0.0, "p99_ms", 12, "accuracy", 0.895)), baseline).verdict())
        .isEqualTo(Verdict.TRUE);
    assertThat(c.evaluate(List.of(figures("error_rate", 0.0, "p99_ms", 12, "accuracy", 0.88)), baseline).verdict())
        .isEqualTo(Verdict.FALSE);
    assertThat(c.evaluate(List.of(figures("error_rate", 0.02, "p99_ms", 12, "accuracy", 0.95)), baseline).verdict())
        .isEqualTo(Verdict.FALSE);
  }

  @Test
  void missingFeedbackIsUnknownNotFalse() {
    Condition c = Condition.parse("p99_ms < 50 and accuracy >= 0.8");
    Evaluation e = c.evaluate(List.of(figures("p99_ms", 10)), null);
    assertThat(e.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(e.detail()).contains("accuracy >= 0.8: missing >= 0.8 -> unknown");
    // a false part decides an 'and' even when another part is unknown (Kleene)
    assertThat(c.evaluate(List.of(figures("p99_ms", 90)), null).verdict()).isEqualTo(Verdict.FALSE);
    assertThat(Condition.parse("p99_ms > 50 or accuracy < 0.8").evaluate(List.of(figures("p99_ms", 90)), null)
        .verdict()).isEqualTo(Verdict.TRUE);
  }

  @Test
  void overNWindowsNeedsEveryOneOfTheNewestN() {
    Condition c = Condition.parse("accuracy < 0.8 over 3 windows");
    assertThat(c.windowsNeeded()).isEqualTo(3);
    Figures low = figures("accuracy", 0.7);
    Figures high = figures("accuracy", 0.9);
    assertThat(c.evaluate(List.of(low, low), null).verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(c.evaluate(List.of(high, low, low, low), null).verdict()).isEqualTo(Verdict.TRUE);
    assertThat(c.evaluate(List.of(low, low, high, low), null).verdict()).isEqualTo(Verdict.FALSE);
    assertThat(c.evaluate(List.of(high, low, low, low), null).detail())
        .isEqualTo("accuracy < 0.8 over 3 windows: 0.7 < 0.8 (newest of 3 windows) -> true");
  }

  @Test
  void featureFunctionsPercentsAndQuotedNames() {
    Figures w = figures("psi(tenure)", 0.3, "missing_share(monthly charges)", 0.02, "error_rate", 0.004);
    assertThat(Condition.parse("psi(tenure) > 0.25").evaluate(List.of(w), null).isTrue()).isTrue();
    assertThat(Condition.parse("psi(age) > 0.25").evaluate(List.of(w), null).verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(Condition.parse("missing_share('monthly charges') <= 2%").evaluate(List.of(w), null).isTrue()).isTrue();
    assertThat(Condition.parse("error_rate > 0.5%").evaluate(List.of(w), null).isFalse()).isTrue();
    assertThat(Condition.parse("not (error_rate > 0.5% or psi(tenure) < 0.1)").evaluate(List.of(w), null).isTrue())
        .isTrue();
    assertThat(Condition.parse("P99_MS > 1e2 AND drift_share >= -1").metrics())
        .containsExactly(Metric.P99_MS, Metric.DRIFT_SHARE);
  }

  @Test
  void explicitBaselineMetricAndBaselineOnTheLeft() {
    Figures w = figures("p99_ms", 40, "accuracy", 0.9);
    Figures base = figures("p99_ms", 30, "accuracy", 0.92);
    assertThat(Condition.parse("p99_ms <= baseline(p99_ms) + 10").evaluate(List.of(w), base)
        .isTrue()).isTrue();
    assertThat(Condition.parse("baseline - 0.01 <= accuracy").evaluate(List.of(w), base).isFalse()).isTrue();
    assertThat(Condition.parse("accuracy >= baseline - 0.01").evaluate(List.of(w), null).verdict())
        .isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void badConditionsNameThePositionAndTheProblem() {
    assertError("p99 > 100", "at character 1: unknown metric 'p99'; known: requests, predictions");
    assertError("p99_ms >", "at character 9: the condition ends where a number or a metric was expected");
    assertError("p99_ms = 100", "at character 8: write '==' to compare for equality");
    assertError("p99_ms > 100 drift_share > 1", "at character 14: unexpected 'drift_share '; join");
    assertError("psi > 0.2", "metric 'psi' needs a feature: psi(FEATURE)");
    assertError("p99_ms(x) > 0.2", "metric 'p99_ms' takes no feature");
    assertError("accuracy < 0.8 over 0 windows", "'over' takes a whole number of windows from 1 to 1000");
    assertError("accuracy < 0.8 over 3", "expected 'windows' after 'over 3'");
    assertError("baseline > 1", "a bare 'baseline' needs exactly one metric on the other side");
    assertError("(p99_ms > 1", "expected ')'");
    assertError("", "condition is empty");
    assertError("p99_ms > 1 and ".repeat(100), "characters; the limit is 1000");
    assertError("not ".repeat(40) + "p99_ms > 1", "nesting is deeper than 32 levels");
    assertError("psi('tenure) > 1", "the quoted feature name is not closed");
  }

  private static void assertError(String text, String expected) {
    assertThatThrownBy(() -> Condition.parse(text)).isInstanceOf(CairnException.class).hasMessageContaining(expected);
  }
}
