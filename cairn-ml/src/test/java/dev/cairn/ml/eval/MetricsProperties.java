package dev.cairn.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MetricsProperties {

  /** Scores on a coarse grid so that ties are common; a label per row. */
  record Scored(double[] scores, boolean[] positive) {}

  @Provide
  Arbitrary<Scored> scored() {
    return Arbitraries.integers().between(2, 40).flatMap(n -> Combinators.combine(
        Arbitraries.integers().between(0, 10).array(int[].class).ofSize(n),
        Arbitraries.of(true, false).list().ofSize(n)).as((s, b) -> {
          double[] scores = new double[n];
          boolean[] pos = new boolean[n];
          for (int i = 0; i < n; i++) {
            scores[i] = s[i] / 10.0;
            pos[i] = b.get(i);
          }
          return new Scored(scores, pos);
        }));
  }

  @Property
  void aucIsInvariantUnderStrictlyIncreasingTransforms(@ForAll("scored") Scored s) {
    var auc = ClassificationMetrics.binaryAuc(s.scores(), s.positive());
    Assume.that(auc.isPresent());
    double[] transformed = new double[s.scores().length];
    for (int i = 0; i < transformed.length; i++) {
      transformed[i] = Math.exp(5 * s.scores()[i]) - 3;
    }
    assertThat(ClassificationMetrics.binaryAuc(transformed, s.positive()).getAsDouble())
        .isCloseTo(auc.getAsDouble(), within(1e-12));
  }

  @Property
  void aucOfReversedScoresIsOneMinusAuc(@ForAll("scored") Scored s) {
    var auc = ClassificationMetrics.binaryAuc(s.scores(), s.positive());
    Assume.that(auc.isPresent());
    double[] reversed = new double[s.scores().length];
    for (int i = 0; i < reversed.length; i++) {
      reversed[i] = -s.scores()[i];
    }
    assertThat(ClassificationMetrics.binaryAuc(reversed, s.positive()).getAsDouble())
        .isCloseTo(1 - auc.getAsDouble(), within(1e-12));
    assertThat(auc.getAsDouble()).isBetween(0.0, 1.0);
  }

  @Property
  void aucEqualsTheShareOfCorrectlyOrderedPairs(@ForAll("scored") Scored s) {
    var auc = ClassificationMetrics.binaryAuc(s.scores(), s.positive());
    Assume.that(auc.isPresent());
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < s.scores().length; i++) {
      for (int j = 0; j < s.scores().length; j++) {
        if (s.positive()[i] && !s.positive()[j]) {
          pairs++;
          wins += s.scores()[i] > s.scores()[j] ? 1 : s.scores()[i] == s.scores()[j] ? 0.5 : 0;
        }
      }
    }
    assertThat(auc.getAsDouble()).isCloseTo(wins / pairs, within(1e-12));
  }

  @Property
  void ratiosStayInTheUnitInterval(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 2) Integer> actual,
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 2) Integer> predicted) {
    int n = Math.min(actual.size(), predicted.size());
    List<String> labels = List.of("a", "b", "c");
    String[] a = new String[n];
    String[] p = new String[n];
    for (int i = 0; i < n; i++) {
      a[i] = labels.get(actual.get(i));
      p[i] = labels.get(predicted.get(i));
    }
    var metrics = Metric.computeAll(new ClassificationPredictions(labels, a, p, null));
    assertThat(metrics).containsKeys("accuracy", "f1_macro", "f1_weighted");
    metrics.values().forEach(v -> assertThat(v).isBetween(0.0, 1.0));
    // weighted recall is always the accuracy
    assertThat(metrics.get("recall_weighted")).isCloseTo(metrics.get("accuracy"), within(1e-12));
  }

  @Property
  void perfectRegressionHasR2OfOneAndNoError(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = -1000, max = 1000) Integer> values) {
    double[] y = values.stream().mapToDouble(Integer::doubleValue).toArray();
    Assume.that(values.stream().distinct().count() > 1);
    var p = new RegressionPredictions(y, y.clone());
    assertThat(RegressionMetrics.r2(p).getAsDouble()).isEqualTo(1.0);
    assertThat(RegressionMetrics.rmse(p).getAsDouble()).isZero();
  }

  @Property
  void rmseIsAtLeastMae(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = -100, max = 100) Integer> a,
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = -100, max = 100) Integer> b) {
    int n = Math.min(a.size(), b.size());
    double[] x = a.stream().limit(n).mapToDouble(Integer::doubleValue).toArray();
    double[] y = b.stream().limit(n).mapToDouble(Integer::doubleValue).toArray();
    var p = new RegressionPredictions(x, y);
    assertThat(RegressionMetrics.rmse(p).getAsDouble()).isGreaterThanOrEqualTo(
        RegressionMetrics.mae(p).getAsDouble() - 1e-9);
  }

  @Property
  void evaluationsRoundTripThroughJson(@ForAll("scored") Scored s) {
    double[][] prob = new double[s.scores().length][];
    String[] actual = new String[prob.length];
    String[] group = new String[prob.length];
    for (int i = 0; i < prob.length; i++) {
      prob[i] = new double[] {1 - s.scores()[i], s.scores()[i]};
      actual[i] = s.positive()[i] ? "yes" : "no";
      group[i] = i % 3 == 0 ? "x" : "y";
    }
    var e = Evaluator.evaluate(ClassificationPredictions.fromProbabilities(List.of("no", "yes"), actual, prob),
        List.of(new SliceColumn("g", group)), 2);
    assertThat(Evaluation.fromJson(e.toJson())).isEqualTo(e);
  }

  @Property(tries = 50)
  void importanceIsDeterministicPerSeedAndZeroForAnIgnoredFeature(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int repeats) {
    double[][] x = new double[20][];
    double[] y = new double[20];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {i, 19 - i};
      y[i] = i * i;
    }
    Predictor squareOfFirst = rows -> {
      double[] v = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        v[i] = rows[i][0] * rows[i][0];
      }
      return new ModelOutput.Values(v);
    };
    var once = PermutationImportance.forRegressor(x, List.of("used", "ignored"), squareOfFirst, y, Metric.MAE,
        repeats, seed);
    var again = PermutationImportance.forRegressor(x, List.of("used", "ignored"), squareOfFirst, y, Metric.MAE,
        repeats, seed);
    assertThat(again).isEqualTo(once);
    assertThat(once.get(0).drops()).hasSize(repeats).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(0.0));
    assertThat(once.get(1).mean()).isZero();
  }
}
