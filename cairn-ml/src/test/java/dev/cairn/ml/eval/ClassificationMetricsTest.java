package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
  private static final double EPS = 1e-12;

  /**
   * Seven rows, positive class "yes", predicted = yes when p(yes) >= 0.5:
   * <pre>
   * row actual p(yes) predicted
   *  0  yes    0.9    yes
   *  1  yes    0.4    no
   *  2  yes    0.6    yes
   *  3  no     0.2    no
   *  4  no     0.6    yes   (ties row 2)
   *  5  no     0.8    yes
   *  6  no     0.3    no
   * </pre>
   */
  static ClassificationPredictions binary() {
    double[] pYes = {0.9, 0.4, 0.6, 0.2, 0.6, 0.8, 0.3};
    double[][] prob = new double[pYes.length][];
    for (int i = 0; i < pYes.length; i++) {
      prob[i] = new double[] {1 - pYes[i], pYes[i]};
    }
    return new ClassificationPredictions(List.of("no", "yes"),
        new String[] {"yes", "yes", "yes", "no", "no", "no", "no"},
        new String[] {"yes", "no", "yes", "no", "yes", "yes", "no"}, prob);
  }

  @Test
  void confusionMatrixAndAccuracyMatchHandCounts() {
    // actual no:  predicted no = rows 3,6 (2), predicted yes = rows 4,5 (2)
    // actual yes: predicted no = row 1 (1),   predicted yes = rows 0,2 (2)
    ConfusionMatrix m = ConfusionMatrix.of(binary());
    assertThat(m.labels()).containsExactly("no", "yes");
    assertThat(m.counts()).isDeepEqualTo(new long[][] {{2, 2}, {1, 2}});
    assertThat(m.count("yes", "no")).isEqualTo(1);
    // accuracy = (2 + 2) / 7
    assertThat(ClassificationMetrics.accuracy(binary()).getAsDouble()).isCloseTo(4.0 / 7, within(EPS));
  }

  @Test
  void perClassMacroAndWeightedMatchHandComputation() {
    // no:  tp 2, predicted-no 3, support 4 -> P 2/3, R 1/2, F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7
    // yes: tp 2, predicted-yes 4, support 3 -> P 1/2, R 2/3, F1 = 4/7
    List<ClassMetrics> classes = ClassificationMetrics.perClass(binary());
    assertThat(classes.get(0).label()).isEqualTo("no");
    assertThat(classes.get(0).precision()).isCloseTo(2.0 / 3, within(EPS));
    assertThat(classes.get(0).recall()).isCloseTo(0.5, within(EPS));
    assertThat(classes.get(0).f1()).isCloseTo(4.0 / 7, within(EPS));
    assertThat(classes.get(0).support()).isEqualTo(4);
    assertThat(classes.get(1).precision()).isCloseTo(0.5, within(EPS));
    assertThat(classes.get(1).recall()).isCloseTo(2.0 / 3, within(EPS));
    assertThat(classes.get(1).support()).isEqualTo(3);
    var all = Metric.computeAll(binary());
    // macro P = (2/3 + 1/2)/2 = 7/12; macro R = 7/12; macro F1 = 4/7
    assertThat(all.get("precision_macro")).isCloseTo(7.0 / 12, within(EPS));
    assertThat(all.get("recall_macro")).isCloseTo(7.0 / 12, within(EPS));
    assertThat(all.get("f1_macro")).isCloseTo(4.0 / 7, within(EPS));
    // weighted P = (4*2/3 + 3*1/2)/7 = 25/42; weighted R = (4*1/2 + 3*2/3)/7 = 4/7; weighted F1 = 4/7
    assertThat(all.get("precision_weighted")).isCloseTo(25.0 / 42, within(EPS));
    assertThat(all.get("recall_weighted")).isCloseTo(4.0 / 7, within(EPS));
    assertThat(all.get("f1_weighted")).isCloseTo(4.0 / 7, within(EPS));
  }

  @Test
  void binaryAucCountsTiesAsHalf() {
    // positives 0.9, 0.4, 0.6 against negatives 0.2, 0.6, 0.8, 0.3 (12 pairs):
    // 0.9 beats 4; 0.4 beats 0.2 and 0.3 (2); 0.6 beats 0.2 and 0.3 and ties 0.6 (2.5) -> 8.5 / 12
    assertThat(ClassificationMetrics.rocAuc(binary()).getAsDouble()).isCloseTo(8.5 / 12, within(EPS));
  }

  @Test
  void logLossMatchesHandComputation() {
    // probability given to the actual label: 0.9, 0.4, 0.6, 0.8, 0.4, 0.2, 0.7
    // -(ln 0.9 + ln 0.4 + ln 0.6 + ln 0.8 + ln 0.4 + ln 0.2 + ln 0.7) / 7 = -ln(0.0096768) / 7 = 0.6625748587
    assertThat(ClassificationMetrics.logLoss(binary()).getAsDouble()).isCloseTo(0.662574858694167, within(1e-12));
  }

  @Test
  void logLossClipsZeroAndOneProbabilities() {
    // row 0 gives its actual label probability 0 -> clipped to 1e-15 -> -ln(1e-15) = 34.5387763949
    // row 1 gives probability 1 -> clipped to 1 - 1e-15 -> about 1e-15; mean = 17.2693881975
    var p = new ClassificationPredictions(List.of("a", "b"), new String[] {"a", "b"}, new String[] {"b", "b"},
        new double[][] {{0, 1}, {0, 1}});
    assertThat(ClassificationMetrics.logLoss(p).getAsDouble()).isCloseTo(17.269388197455342, within(1e-9));
  }

  @Test
  void multiclassAucIsMacroOneVsRest() {
    // class a: pos 0.7, 0.4 vs neg 0.3, 0.2, 0.5 -> 3 + 2 = 5 of 6
    // class b: pos 0.5, 0.3 vs neg 0.2, 0.3, 0.4 -> 3 + (1 + 0.5 tie) = 4.5 of 6
    // class c: pos 0.5 vs neg 0.1, 0.2, 0.2, 0.2 -> 4 of 4
    // macro = (5/6 + 0.75 + 1) / 3 = 0.8611111
    var p = ClassificationPredictions.fromProbabilities(List.of("a", "b", "c"),
        new String[] {"a", "b", "c", "a", "b"},
        new double[][] {{0.7, 0.2, 0.1}, {0.3, 0.5, 0.2}, {0.2, 0.3, 0.5}, {0.4, 0.4, 0.2}, {0.5, 0.3, 0.2}});
    assertThat(ClassificationMetrics.rocAuc(p).getAsDouble()).isCloseTo((5.0 / 6 + 0.75 + 1) / 3, within(EPS));
    // argmax, first label on ties (row 3): a, b, c, a, a
    assertThat(p.predicted()).containsExactly("a", "b", "c", "a", "a");
  }

  @Test
  void confusionMatrixFollowsTheDeclaredLabelOrder() {
    // labels c, a, b: rows/columns in that order.
    // actual a predicted a twice, actual b predicted a once and b once, actual c predicted c once
    var p = new ClassificationPredictions(List.of("c", "a", "b"), new String[] {"a", "b", "c", "a", "b"},
        new String[] {"a", "b", "c", "a", "a"}, null);
    assertThat(ConfusionMatrix.of(p).counts()).isDeepEqualTo(new long[][] {{1, 0, 0}, {0, 2, 0}, {0, 1, 1}});
    // no probabilities: AUC and log loss are simply absent
    assertThat(Metric.computeAll(p)).doesNotContainKeys("roc_auc", "log_loss").containsKey("accuracy");
  }

  @Test
  void aucIsAbsentWhenOnlyOneClassOccurs() {
    var p = new ClassificationPredictions(List.of("no", "yes"), new String[] {"yes", "yes"},
        new String[] {"yes", "no"}, new double[][] {{0.2, 0.8}, {0.6, 0.4}});
    assertThat(ClassificationMetrics.rocAuc(p)).isEmpty();
  }

  @Test
  void macroAveragesSkipClassesAbsentFromActualAndPredicted() {
    // labels a, b, c but only a and b occur: a P=1 R=1/2, b P=1/2 R=1 -> macro P = macro R = 3/4
    var p = new ClassificationPredictions(List.of("a", "b", "c"), new String[] {"a", "a", "b"},
        new String[] {"a", "b", "b"}, null);
    assertThat(Metric.PRECISION_MACRO.compute(p).getAsDouble()).isCloseTo(0.75, within(EPS));
    assertThat(Metric.RECALL_MACRO.compute(p).getAsDouble()).isCloseTo(0.75, within(EPS));
  }

  @Test
  void rejectsUnknownLabelsAndMismatchedRows() {
    assertThatThrownBy(() -> new ClassificationPredictions(List.of("a", "b"), new String[] {"a"},
        new String[] {"z"}, null)).isInstanceOf(CairnException.class).hasMessageContaining("predicted row 0 is 'z'");
    assertThatThrownBy(() -> new ClassificationPredictions(List.of("a", "b"), new String[] {"a"},
        new String[] {"a"}, new double[][] {{1}})).hasMessageContaining("probabilities row 0 has 1 columns");
    assertThatThrownBy(() -> Metric.RMSE.compute(binary())).hasMessageContaining("regression metric");
  }
}
