package dev.cairn.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.transform.FeatureMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class TrainersTest {
  /** Three classes split by the sign of x0 + x1 and the size of x2; 300 rows, fixed seed. */
  static FeatureMatrix features(long seed, int n) {
    Random r = new Random(seed);
    double[][] rows = new double[n][3];
    for (double[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return new FeatureMatrix(List.of("x0", "x1", "x2"), rows, Map.of());
  }

  static String[] classes(FeatureMatrix x) {
    return Arrays.stream(x.rows()).map(r -> r[2] > 0.8 ? "high" : r[0] + r[1] > 0 ? "yes" : "no").toArray(String[]::new);
  }

  static double[] targets(FeatureMatrix x) {
    return Arrays.stream(x.rows()).mapToDouble(r -> 3 * r[0] - 2 * r[1] + 1).toArray();
  }

  private static Map<String, Object> quick(Algorithm a) {
    return switch (a) {
      case LOGISTIC_REGRESSION, LINEAR_SGD -> Map.of("epochs", 20);
      case RANDOM_FOREST -> Map.of("n_trees", 15, "fraction_features", 0.67, "min_child_weight", 1.0);
      case CART -> Map.of("min_child_weight", 1.0);
      case XGBOOST -> Map.of("n_trees", 30);
    };
  }

  private static void assumeRuns(Algorithm a) {
    assumeTrue(a != Algorithm.XGBOOST || XGBoostSupport.isAvailable(), "XGBoost native library: " + XGBoostSupport.problem());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void everyClassifierLearnsSeparableClassesAndGivesSortedClassProbabilities(Algorithm a) {
    assumeRuns(a);
    FeatureMatrix x = features(1, 300);
    String[] y = classes(x);
    TrainedModel model = ModelTrainer.of(Task.CLASSIFICATION, a.id(), quick(a)).trainClassifier(x, y, "label");
    Predictions p = model.predict(features(2, 200));
    String[] truth = classes(features(2, 200));
    long correct = java.util.stream.IntStream.range(0, truth.length).filter(i -> truth[i].equals(p.labels()[i])).count();
    assertThat(correct / 200.0).as(a.id() + " accuracy").isGreaterThan(0.8);
    assertThat(p.classes()).containsExactly("high", "no", "yes");
    if (p.hasProbabilities()) {
      for (double[] row : p.probabilities()) {
        assertThat(Arrays.stream(row).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = "LOGISTIC_REGRESSION", mode = EnumSource.Mode.EXCLUDE)
  void everyRegressorFitsALinearTarget(Algorithm a) {
    assumeRuns(a);
    FeatureMatrix x = features(1, 400);
    TrainedModel model = ModelTrainer.of(Task.REGRESSION, a.id(), quick(a)).trainRegressor(x, targets(x), "y");
    FeatureMatrix test = features(2, 200);
    double[] predicted = model.predict(test).values();
    double[] truth = targets(test);
    double sse = 0;
    for (int i = 0; i < truth.length; i++) {
      sse += (predicted[i] - truth[i]) * (predicted[i] - truth[i]);
    }
    double rmse = Math.sqrt(sse / truth.length);
    // the target's standard deviation is sqrt(13) ~ 3.6: every model must do much better than predicting the mean
    assertThat(rmse).as(a.id() + " RMSE").isLessThan(1.5);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void twoTrainersWithTheSameSeedGiveIdenticalModelBytesAndAnotherSeedDiffers(Algorithm a) {
    assumeRuns(a);
    FeatureMatrix x = features(3, 200);
    String[] y = classes(x);
    Map<String, Object> params = new java.util.HashMap<>(quick(a));
    params.put("seed", 11);
    if (a == Algorithm.XGBOOST) {
      params.put("subsample", 0.7); // so the seed matters
    }
    if (a == Algorithm.CART) {
      params.put("fraction_features", 0.5);
    }
    byte[] first = ModelTrainer.of(Task.CLASSIFICATION, a.id(), params).trainClassifier(x, y, "label").toBytes();
    byte[] second = ModelTrainer.of(Task.CLASSIFICATION, a.id(), params).trainClassifier(x, y, "label").toBytes();
    assertThat(second).isEqualTo(first);
    params.put("seed", 12);
    byte[] other = ModelTrainer.of(Task.CLASSIFICATION, a.id(), params).trainClassifier(x, y, "label").toBytes();
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void l2PenaltyShrinksLogisticRegressionWeightsYetItStillLearns() {
    FeatureMatrix x = features(5, 400);
    String[] y = Arrays.stream(x.rows()).map(r -> r[0] + r[1] > 0 ? "yes" : "no").toArray(String[]::new);
    TrainedModel plain = ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression", Map.of("epochs", 10))
        .trainClassifier(x, y, "label");
    TrainedModel penalised = ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression",
        Map.of("epochs", 10, "l2", 0.1)).trainClassifier(x, y, "label");
    FeatureMatrix test = features(6, 200);
    String[] truth = Arrays.stream(test.rows()).map(r -> r[0] + r[1] > 0 ? "yes" : "no").toArray(String[]::new);
    String[] predicted = penalised.predict(test).labels();
    long correct = java.util.stream.IntStream.range(0, truth.length).filter(i -> truth[i].equals(predicted[i])).count();
    assertThat(correct / 200.0).isGreaterThan(0.9);
    // smaller weights give less extreme probabilities on the same rows
    double plainMax = Arrays.stream(plain.predict(test).probabilities()).mapToDouble(r -> Math.max(r[0], r[1])).average().orElseThrow();
    double penalisedMax = Arrays.stream(penalised.predict(test).probabilities()).mapToDouble(r -> Math.max(r[0], r[1])).average().orElseThrow();
    assertThat(penalisedMax).isLessThan(plainMax);
  }

  @Test
  void modelBytesReloadToTheSamePredictions() {
    FeatureMatrix x = features(4, 200);
    TrainedModel model = ModelTrainer.of(Task.CLASSIFICATION, "random_forest", Map.of("n_trees", 5))
        .trainClassifier(x, classes(x), "label");
    TrainedModel back = TrainedModel.fromBytes(model.toBytes(), model.featureNames());
    assertThat(back.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(back.tribuoModel().getProvenance().getTrainingTime().toEpochSecond()).isZero();
    Predictions a = model.predict(x);
    Predictions b = back.predict(x);
    assertThat(b.labels()).isEqualTo(a.labels());
    assertThat(b.probabilities()).isDeepEqualTo(a.probabilities());
    TrainedModel regressor = ModelTrainer.of(Task.REGRESSION, "linear_sgd", Map.of()).trainRegressor(x, targets(x), "y");
    assertThat(TrainedModel.fromBytes(regressor.toBytes(), regressor.featureNames()).predict(x).values())
        .isEqualTo(regressor.predict(x).values());
  }

  @Test
  void parametersAreCheckedAgainstTheDeclaredOnes() {
    assertThatThrownBy(() -> ModelTrainer.of(Task.CLASSIFICATION, "cart", Map.of("depth", 3)))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("cart (classification) has no parameter 'depth'")
        .hasMessageContaining("[fraction_features, impurity, max_depth, min_child_weight, min_impurity_decrease, seed]");
    assertThatThrownBy(() -> ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression", Map.of("l2", "strong")))
        .hasMessageContaining("parameter 'l2' is string 'strong'; it must be a number in [0.0, 1000.0]");
    assertThatThrownBy(() -> ModelTrainer.of(Task.REGRESSION, "xgboost", Map.of("max_depth", 2.5)))
        .hasMessageContaining("parameter 'max_depth' is double '2.5'; it must be an integer in [1, 100]");
    assertThatThrownBy(() -> ModelTrainer.of(Task.REGRESSION, "random_forest", Map.of("n_trees", 0)))
        .hasMessageContaining("'n_trees' is 0");
    assertThatThrownBy(() -> ModelTrainer.of(Task.CLASSIFICATION, "linear_sgd", Map.of("objective", "squared")))
        .hasMessageContaining("one of [hinge, log]");
    assertThatThrownBy(() -> ModelTrainer.of(Task.REGRESSION, "logistic_regression", Map.of()))
        .hasMessageContaining("does not do regression");
    assertThatThrownBy(() -> ModelTrainer.of(Task.REGRESSION, "svm", Map.of()))
        .hasMessageContaining("algorithm 'svm' is unknown").hasMessageContaining("xgboost");
  }

  @Test
  void defaultsAreFilledAndTextualNumbersFromOverridesAreAccepted() {
    TrainerSpec spec = ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression", Map.of("l2", "0.1", "epochs", 3L)).spec();
    assertThat(spec.params()).containsEntry("l2", 0.1).containsEntry("epochs", 3L).containsEntry("seed", 42L)
        .containsEntry("learning_rate", 1.0).containsEntry("minibatch_size", 1L);
    assertThat(List.copyOf(spec.params().keySet())).isSorted();
  }

  @Test
  void trainingRefusesMissingFeaturesMissingTargetsAndASingleClass() {
    FeatureMatrix x = new FeatureMatrix(List.of("a"), new double[][] {{1}, {Double.NaN}}, Map.of());
    ModelTrainer cart = ModelTrainer.of(Task.CLASSIFICATION, "cart", Map.of());
    assertThatThrownBy(() -> cart.trainClassifier(x, new String[] {"y", "n"}, "label"))
        .hasMessageContaining("feature 'a' is NaN in row 1").hasMessageContaining("impute");
    FeatureMatrix ok = new FeatureMatrix(List.of("a"), new double[][] {{1}, {2}}, Map.of());
    assertThatThrownBy(() -> cart.trainClassifier(ok, new String[] {"y", null}, "label"))
        .hasMessageContaining("target 'label' is missing in row 1");
    assertThatThrownBy(() -> cart.trainClassifier(ok, new String[] {"y", "y"}, "label"))
        .hasMessageContaining("only the class [y]");
    TrainedModel model = cart.trainClassifier(ok, new String[] {"y", "n"}, "label");
    assertThatThrownBy(() -> model.predict(new FeatureMatrix(List.of("b"), new double[][] {{1}}, Map.of())))
        .hasMessageContaining("got 'b', expected 'a'");
  }

  @Test
  void xgboostNativeLibraryLoadsOnThisMachineOrFailsWithAClearError() {
    String problem = XGBoostSupport.problem();
    System.out.println("XGBoost native library: " + (problem == null ? "loads" : problem));
    if (problem == null) {
      assertThat(XGBoostSupport.isAvailable()).isTrue();
    } else {
      assertThatThrownBy(() -> ModelTrainer.of(Task.REGRESSION, "xgboost", Map.of())
          .trainRegressor(features(1, 10), targets(features(1, 10)), "y"))
          .isInstanceOf(CairnException.class)
          .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE))
          .hasMessageContaining("native library does not load");
    }
  }
}
