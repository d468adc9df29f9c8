package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PermutationImportanceTest {
  /** A regressor that uses only feature 0: y = 2 * x0. */
  private static final Predictor TWICE_X0 = x -> {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 2 * x[i][0];
    }
    return new ModelOutput.Values(y);
  };

  private static double[][] features() {
    double[][] x = new double[50][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {i, (i * 7) % 11};
    }
    return x;
  }

  private static double[] actual(double[][] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 2 * x[i][0];
    }
    return y;
  }

  @Test
  void anUnusedFeatureHasZeroImportanceAndAUsedOneIncreasesTheError() {
    double[][] x = features();
    List<FeatureImportance> result = PermutationImportance.forRegressor(x, List.of("used", "ignored"), TWICE_X0,
        actual(x), Metric.RMSE, 5, 42);
    assertThat(result).extracting(FeatureImportance::feature).containsExactly("used", "ignored");
    assertThat(result.get(0).drops()).hasSize(5).allSatisfy(d -> assertThat(d).isPositive());
    assertThat(result.get(0).mean()).isPositive();
    assertThat(result.get(1).mean()).isZero();
    assertThat(result.get(1).std()).isZero();
  }

  @Test
  void handComputedImportanceOnThreeRows() {
    // x0 = 0, 1, 2; y = 0, 2, 4; one repeat. Any shuffle of x0 other than the identity moves some rows.
    // Std with one repeat is 0 and the mean equals the single drop, which equals the RMSE of the shuffled fit
    // (the baseline RMSE is 0): sqrt(sum((2*x0shuffled - y)^2) / 3)
    double[][] x = {{0}, {1}, {2}};
    double[] y = {0, 2, 4};
    FeatureImportance fi = PermutationImportance.forRegressor(x, List.of("x0"), TWICE_X0, y, Metric.RMSE, 1, 7)
        .get(0);
    assertThat(fi.std()).isZero();
    assertThat(fi.mean()).isEqualTo(fi.drops().get(0));
    // the possible values for the 6 permutations: 0 (identity), sqrt(8/3) (one swap of neighbours),
    // sqrt(32/3) (swap of 0 and 2), sqrt(24/3) = sqrt(8) (3-cycles)
    assertThat(fi.mean()).isIn(0.0, Math.sqrt(8.0 / 3), Math.sqrt(32.0 / 3), Math.sqrt(8.0));
  }

  @Test
  void sameSeedSameResultOtherSeedOtherShuffles() {
    double[][] x = features();
    var a = PermutationImportance.forRegressor(x, List.of("a", "b"), TWICE_X0, actual(x), Metric.MAE, 4, 1);
    var b = PermutationImportance.forRegressor(x, List.of("a", "b"), TWICE_X0, actual(x), Metric.MAE, 4, 1);
    var c = PermutationImportance.forRegressor(x, List.of("a", "b"), TWICE_X0, actual(x), Metric.MAE, 4, 2);
    assertThat(a).isEqualTo(b);
    assertThat(a.get(0).drops()).isNotEqualTo(c.get(0).drops());
  }

  @Test
  void classifierImportanceIsTheDropInAccuracy() {
    // class = "hi" when x0 >= 25; accuracy is 1 unshuffled, lower when x0 is shuffled
    Predictor threshold = x -> {
      String[] label = new String[x.length];
      for (int i = 0; i < x.length; i++) {
        label[i] = x[i][0] >= 25 ? "hi" : "lo";
      }
      return new ModelOutput.Classes(List.of("lo", "hi"), label, null);
    };
    double[][] x = features();
    String[] actual = threshold.predict(x) instanceof ModelOutput.Classes c ? c.predicted() : null;
    var result = PermutationImportance.forClassifier(x, List.of("x0", "x1"), threshold, actual, Metric.ACCURACY,
        3, 9);
    assertThat(result.get(0).mean()).isBetween(0.1, 1.0);
    assertThat(result.get(1).mean()).isCloseTo(0.0, within(0.0));
  }

  @Test
  void aPredictorOfTheWrongKindIsAClearError() {
    double[][] x = features();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PermutationImportance.forClassifier(x,
        List.of("a", "b"), TWICE_X0, new String[x.length], Metric.ACCURACY, 1, 1))
        .hasMessage("predictor returned values; importance for a classifier needs class labels");
  }
}
