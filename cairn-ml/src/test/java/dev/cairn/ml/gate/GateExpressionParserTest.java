package dev.cairn.ml.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import org.junit.jupiter.api.Test;

class GateExpressionParserTest {
  @Test
  void parsesValueAndChangeThresholds() {
    assertThat(GateCheck.parse("accuracy >= 0.8")).isEqualTo(
        new GateCheck("accuracy >= 0.8", "accuracy", Comparison.AT_LEAST, new Threshold.Value(0.8)));
    assertThat(GateCheck.parse("log_loss<0.5").comparison()).isEqualTo(Comparison.BELOW);
    assertThat(GateCheck.parse("r2 > -1e-3").threshold()).isEqualTo(new Threshold.Value(-0.001));
    assertThat(GateCheck.parse("accuracy >= baseline - 0.01").threshold())
        .isEqualTo(new Threshold.Change(-0.01, false));
    assertThat(GateCheck.parse("  rmse <= baseline + 5 %  ").threshold())
        .isEqualTo(new Threshold.Change(5, true));
    assertThat(GateCheck.parse("f1_macro >= baseline").threshold()).isEqualTo(new Threshold.Change(0, false));
    assertThat(GateCheck.parse("accuracy >= baseline - 0.01").comparesToBaseline()).isTrue();
  }

  @Test
  void relativeChangeScalesByTheBaselineMagnitude() {
    assertThat(new Threshold.Change(-2, true).apply(0.5)).isEqualTo(0.49);
    // a negative baseline (R2 can be negative) still moves the threshold down for "- 2%"
    assertThat(new Threshold.Change(-2, true).apply(-0.5)).isEqualTo(-0.51);
  }

  @Test
  void errorsQuoteTheExpressionAndPosition() {
    assertThatThrownBy(() -> GateCheck.parse("accuracy >> 0.8")).isInstanceOf(CairnException.class)
        .hasMessage("gate check 'accuracy >> 0.8' at position 10: unknown operator '>>'; use >=, <=, > or <");
    assertThatThrownBy(() -> GateCheck.parse("accuracy = 0.8"))
        .hasMessage("gate check 'accuracy = 0.8' at position 10: expected one of >=, <=, >, < after the metric name");
    assertThatThrownBy(() -> GateCheck.parse("accuracy >= >0.8"))
        .hasMessage("gate check 'accuracy >= >0.8' at position 13: expected a number, found '>0.8'");
    assertThatThrownBy(() -> GateCheck.parse("accuracy >=> 0.8"))
        .hasMessage("gate check 'accuracy >=> 0.8' at position 10: unknown operator '>=>'; use >=, <=, > or <");
    assertThatThrownBy(() -> GateCheck.parse("accuracy >= high"))
        .hasMessage("gate check 'accuracy >= high' at position 13: expected a number, found 'high'");
    assertThatThrownBy(() -> GateCheck.parse("accuracy >= baseline * 2"))
        .hasMessage("gate check 'accuracy >= baseline * 2' at position 22: expected + or - after 'baseline'");
    assertThatThrownBy(() -> GateCheck.parse("accuracy >= 0.8 and more"))
        .hasMessage("gate check 'accuracy >= 0.8 and more' at position 17: unexpected 'and more' at the end");
    assertThatThrownBy(() -> GateCheck.parse("accuracy >="))
        .hasMessage("gate check 'accuracy >=' at position 12: expected a number or 'baseline' after >=");
    assertThatThrownBy(() -> GateCheck.parse("auc >= 0.7"))
        .hasMessageStartingWith("gate check 'auc >= 0.7' at position 1: unknown metric 'auc'; available: accuracy, ")
        .hasMessageContaining("roc_auc", "rmse", "slice_gap.accuracy");
    assertThatThrownBy(() -> GateCheck.parse(" ")).hasMessageContaining("gate check is empty");
  }
}
