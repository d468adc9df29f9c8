package dev.cairn.serving.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedModelTest {
  @TempDir static Path dir;
  static Path logistic;
  static Path forest;

  @BeforeAll
  static void train() {
    logistic = TestBundles.classifier(dir, "logistic_regression");
    forest = TestBundles.classifier(dir, "random_forest");
  }

  private static List<Map<String, Object>> rows(int n) {
    return TestBundles.rows(n, 11);
  }

  private static List<Map<String, Object>> withRow(int index, String column, Object value) {
    List<Map<String, Object>> rows = new ArrayList<>(rows(5));
    Map<String, Object> row = new LinkedHashMap<>(rows.get(index));
    row.put(column, value);
    rows.set(index, row);
    return rows;
  }

  private static void invalid(ThrowingCallable call, String... parts) {
    assertThatThrownBy(call).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .message().contains(parts);
  }

  @Test
  void predictionsEqualTheBundlesOwnOnTheSameRows() {
    for (Path path : List.of(logistic, forest)) {
      try (LoadedModel model = ModelRuntime.defaults().load(path); Bundle bundle = Bundles.load(path)) {
        Predictions served = model.predict(rows(200));
        Predictions direct = bundle.predict(rows(200));
        assertThat(served.labels()).containsExactly(direct.labels());
        assertThat(served.probabilities()).isDeepEqualTo(direct.probabilities());
        assertThat(model.id()).isEqualTo(bundle.id());
        assertThat(model.warnings()).isEmpty();
      }
    }
  }

  @Test
  void aTamperedBundleIsRefused() throws Exception {
    Path copy = dir.resolve("tampered");
    Files.createDirectories(copy);
    for (String f : List.of("bundle.json", "model.tribuo")) {
      Files.copy(logistic.resolve(f), copy.resolve(f));
    }
    String json = Files.readString(copy.resolve("bundle.json"));
    Files.writeString(copy.resolve("bundle.json"), json.replace("\"basic\"", "\"BASIC\""));
    assertThatThrownBy(() -> ModelRuntime.defaults().load(copy)).isInstanceOf(CairnException.class);
    try (LoadedModel model = ModelRuntime.defaults().load(logistic)) {
      assertThatThrownBy(() -> ModelRuntime.defaults().load(logistic, "0".repeat(64)))
          .isInstanceOf(CairnException.class);
      assertThat(model.id()).hasSize(64);
    }
  }

  @Test
  void badInputsNameTheRowAndTheField() {
    try (LoadedModel model = ModelRuntime.defaults().load(logistic)) {
      List<Map<String, Object>> missingColumn = new ArrayList<>(rows(5));
      Map<String, Object> row = new LinkedHashMap<>(missingColumn.get(3));
      row.remove("monthly");
      missingColumn.set(3, row);
      invalid(() -> model.predict(missingColumn), "row 3", "no column 'monthly'");
      invalid(() -> model.predict(withRow(2, "tenure", "twelve")), "row 2", "'tenure'", "must be a number",
          "text 'twelve'");
      invalid(() -> model.predict(withRow(1, "plan", "platinum")), "row 1", "'plan'", "'platinum'",
          "basic, plus, pro");
      invalid(() -> model.predict(withRow(4, "plan", 2.5)), "row 4", "'plan'", "must be text");
      invalid(() -> model.predict(withRow(0, "age", null)), "row 0", "'age'", "missing");
      invalid(() -> model.predict(withRow(0, "age", Double.NaN)), "row 0", "'age'", "missing");
      invalid(() -> model.predict(withRow(2, "age", Double.POSITIVE_INFINITY)), "row 2", "'age'", "finite");
      invalid(() -> model.predict(withRow(1, "tenure", true)), "row 1", "'tenure'", "a boolean");
      invalid(() -> model.predict(withRow(1, "age", "thirty"), i -> "line " + (i + 2)), "line 3", "'age'");
      // imputed, bucketised and categorical columns take missing values, as in training
      assertThat(model.predict(withRow(0, "tenure", null)).size()).isEqualTo(5);
      assertThat(model.predict(withRow(0, "tenure", Double.NaN)).size()).isEqualTo(5);
      assertThat(model.predict(withRow(0, "monthly", null)).size()).isEqualTo(5);
      assertThat(model.predict(withRow(0, "plan", null)).size()).isEqualTo(5);
      // extra columns are ignored
      assertThat(model.predict(withRow(0, "customer_id", "c-1")).size()).isEqualTo(5);
    }
  }

  @Test
  void unknownCategoriesPassWhenTheRuntimeAllowsThem() {
    try (LoadedModel model = new ModelRuntime(false).load(logistic)) {
      Predictions p = model.predict(withRow(1, "plan", "platinum"));
      assertThat(p.unknownCategories()).containsEntry("plan", java.util.Set.of("platinum"));
    }
  }

  @Test
  void versionsThatDifferFromTheProvenanceAreWarnings() {
    Path old = TestBundles.write(dir.resolve("old"), "logistic_regression", Task.CLASSIFICATION, Map.of(),
        Map.of("tribuo_version", "4.1.0", "java_specification", "11", "git_commit", "abc"));
    try (LoadedModel model = ModelRuntime.defaults().load(old)) {
      assertThat(model.warnings()).containsExactly(
          "java_specification differs: the bundle was trained with 11, this runtime has "
              + System.getProperty("java.specification.version"),
          "tribuo_version differs: the bundle was trained with 4.1.0, this runtime has " + org.tribuo.Tribuo.VERSION);
    }
    Path same = TestBundles.write(dir.resolve("same"), "logistic_regression", Task.CLASSIFICATION, Map.of(),
        ModelRuntime.runtimeVersions().entrySet().stream()
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) e.getValue())));
    try (LoadedModel model = ModelRuntime.defaults().load(same)) {
      assertThat(model.warnings()).isEmpty();
    }
  }

  @Test
  void linearRegressionContributionsAddUpToThePrediction() {
    Path sgd = TestBundles.write(dir.resolve("reg"), "linear_sgd", Task.REGRESSION, Map.of(), Map.of());
    try (LoadedModel model = ModelRuntime.defaults().load(sgd)) {
      Scored scored = model.score(rows(50), true);
      Explanations e = scored.explanations();
      assertThat(e.explained()).isNull();
      assertThat(e.features()).contains("tenure", "plan=basic", "monthly_bucket_0", "age");
      for (int r = 0; r < 50; r++) {
        assertThat(e.score(r)).isCloseTo(scored.predictions().values()[r], within(1e-6));
      }
      assertThat(model.score(rows(50), false).predictions().values()).isEqualTo(scored.predictions().values());
    }
  }

  @Test
  void logisticContributionsAreWeightTimesFeatureTowardsThePredictedClass() {
    try (LoadedModel model = ModelRuntime.defaults().load(logistic)) {
      List<Map<String, Object>> a = withRow(0, "plan", "basic");
      List<Map<String, Object>> b = withRow(0, "plan", "basic");
      b.get(0).put("age", ((Double) a.get(0).get("age")) + 10);
      Explanations ea = model.score(a, true).explanations();
      Explanations eb = model.score(b, true).explanations();
      Predictions p = model.predict(a);
      assertThat(ea.explained()).containsExactly(p.labels());
      int age = ea.features().indexOf("age");
      int plus = ea.features().indexOf("plan=plus");
      assertThat(ea.contributions()[0][plus]).isZero();
      for (int f = 0; f < ea.features().size(); f++) {
        if (f != age && ea.explained()[0].equals(eb.explained()[0])) {
          assertThat(eb.contributions()[0][f]).isEqualTo(ea.contributions()[0][f]);
        }
      }
      if (ea.explained()[0].equals(eb.explained()[0])) {
        assertThat(eb.contributions()[0][age]).isNotEqualTo(ea.contributions()[0][age]);
      }
      assertThat(ea.byFeature(0)).containsKeys("tenure", "plan=basic", "age");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void logisticContributionsMatchTribuosOwnExcuseForThePredictedClass() {
    try (LoadedModel model = ModelRuntime.defaults().load(logistic);
        dev.cairn.ml.bundle.ModelBundle bundle = dev.cairn.ml.bundle.ModelBundle.load(logistic)) {
      List<Map<String, Object>> rows = rows(40);
      Explanations e = model.score(rows, true).explanations();
      var matrix = bundle.manifest().features().apply(dev.cairn.ml.frame.Frame.fromRows(rows,
          bundle.manifest().features().inputSchema()));
      var tribuo = (org.tribuo.Model<org.tribuo.classification.Label>) bundle.model().tribuoModel();
      String[] names = matrix.names().toArray(String[]::new);
      for (int r = 0; r < rows.size(); r++) {
        var example = new org.tribuo.impl.ArrayExample<>(org.tribuo.classification.LabelFactory.UNKNOWN_LABEL,
            names, matrix.rows()[r]);
        var excuse = tribuo.getExcuse(example).orElseThrow();
        Map<String, Double> tribuoScores = new java.util.HashMap<>();
        excuse.excuse(e.explained()[r]).forEach(pair -> tribuoScores.put(pair.getA(), pair.getB()));
        assertThat(e.explained()[r]).isEqualTo(excuse.getPrediction().getOutput().getLabel());
        for (int f = 0; f < names.length; f++) {
          if (matrix.rows()[r][f] != 0.0) {
            assertThat(e.contributions()[r][f]).as("row %d feature %s", r, names[f])
                .isCloseTo(tribuoScores.get(names[f]), within(1e-9));
          } else {
            assertThat(e.contributions()[r][f]).isZero();
          }
        }
      }
    }
  }

  @Test
  void explainingANonLinearModelSaysItIsForLinearModelsOnly() {
    try (LoadedModel model = ModelRuntime.defaults().load(forest)) {
      assertThat(model.explainable()).isFalse();
      invalid(() -> model.score(rows(3), true), "explanations are available for linear models only",
          "random_forest");
      assertThat(model.score(rows(3), false).explanations()).isNull();
    }
  }
}
