package dev.cairn.ml.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.split.SplitIndices;
import dev.cairn.ml.split.SplitSpec;
import dev.cairn.ml.split.Splitter;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.train.TrainedModel;
import dev.cairn.ml.train.XGBoostSupport;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelBundleTest {
  @TempDir Path dir;

  /** A churn-like table: churn is likelier for short tenure, high charges and the basic plan. */
  static String churnCsv(int rows, long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("tenure,monthly,plan,churned\n");
    String[] plans = {"basic", "plus", "pro"};
    for (int i = 0; i < rows; i++) {
      int tenure = r.nextInt(72);
      double monthly = Math.round((20 + r.nextDouble() * 80) * 100) / 100.0;
      String plan = plans[r.nextInt(3)];
      double risk = 1.5 - tenure / 24.0 + (monthly - 60) / 30 + (plan.equals("basic") ? 0.8 : 0) + r.nextGaussian() * 0.5;
      sb.append(r.nextInt(20) == 0 ? "" : tenure).append(',').append(monthly).append(',')
          .append(r.nextInt(25) == 0 ? "" : plan).append(',').append(risk > 0 ? "yes" : "no").append('\n');
    }
    return sb.toString();
  }

  private static final String FEATURES = """
      {"columns": [
        {"column": "tenure", "steps": [{"op": "impute", "strategy": "median"}, {"op": "standardise"}]},
        {"column": "monthly", "steps": [{"op": "bucketise", "quantiles": 4}]},
        {"column": "plan", "steps": [{"op": "impute", "strategy": "most_frequent"}, {"op": "one_hot"}]}]}""";

  /** The whole path from a CSV to a written bundle, with nothing shared between calls but the inputs. */
  static ModelBundle train(Path csv, String algorithm, long seed) {
    Frame frame = Frame.read(csv);
    SplitIndices split = Splitter.split(frame, SplitSpec.trainTest(0.25, seed, "churned"));
    Frame train = split.train(frame);
    FittedFeatures features = FeatureSpec.fromJson(FEATURES).fit(train);
    ModelTrainer trainer = ModelTrainer.of(Task.CLASSIFICATION, algorithm, Map.of("seed", seed));
    TrainedModel model = trainer.train(features.apply(train), train.column("churned"));
    ObjectNode profile = Json.MAPPER.createObjectNode();
    profile.put("row_count", train.rowCount());
    profile.putObject("columns").put("tenure", "numeric").put("monthly", "numeric");
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("dataset", Map.of("name", "churn", "version", 3, "sha256", "ab".repeat(32)));
    provenance.put("git_commit", "0123abc");
    provenance.put("config", Map.of("split_seed", seed, "algorithm", algorithm));
    return ModelBundle.builder(features, model, "churned").trainer(trainer.spec())
        .referenceStatistics(profile).metrics(Map.of("accuracy", 0.875, "f1", 0.8))
        .provenance(provenance).build();
  }

  private Path csv(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"logistic_regression", "linear_sgd", "cart", "random_forest", "xgboost"})
  void trainingTwiceFromTheSameInputsAndSeedGivesTheSameIdAndBytes(String algorithm) throws IOException {
    Assumptions.assumeTrue(!algorithm.equals("xgboost") || XGBoostSupport.isAvailable());
    Path data = csv("churn.csv", churnCsv(600, 5));
    Path first = train(data, algorithm, 7).write(dir.resolve("a"));
    Path second = train(data, algorithm, 7).write(dir.resolve("b"));
    assertThat(ModelBundle.load(second).id()).isEqualTo(ModelBundle.load(first).id());
    assertThat(Files.readAllBytes(second.resolve("model.tribuo"))).isEqualTo(Files.readAllBytes(first.resolve("model.tribuo")));
    assertThat(Files.readAllBytes(second.resolve("bundle.json"))).isEqualTo(Files.readAllBytes(first.resolve("bundle.json")));
  }

  @Test
  void aFreshJvmTrainingFromTheSameInputsGivesTheSameId() throws Exception {
    Path data = csv("churn.csv", churnCsv(400, 5));
    String here = train(data, "random_forest", 7).id();
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), BundleIdMain.class.getName(), data.toString(), "random_forest", "7")
        .redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertThat(child.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo(here);
  }

  @Test
  void anotherSeedOrOneChangedRowGivesAnotherId() throws IOException {
    String text = churnCsv(600, 5);
    Path data = csv("churn.csv", text);
    String base = train(data, "random_forest", 7).id();
    assertThat(train(data, "random_forest", 8).id()).isNotEqualTo(base);
    int secondLine = text.indexOf('\n') + 1;
    String changed = text.substring(0, secondLine) + "5" + text.substring(text.indexOf(',', secondLine));
    assertThat(changed).isNotEqualTo(text);
    assertThat(train(csv("changed.csv", changed), "random_forest", 7).id()).isNotEqualTo(base);
  }

  @Test
  void aLoadedBundlePredictsRowsInOneCallAsTheTrainedModelDid() throws IOException {
    Path data = csv("churn.csv", churnCsv(800, 9));
    ModelBundle bundle = train(data, "logistic_regression", 3);
    Path written = bundle.write(dir.resolve("bundle"));
    ModelBundle loaded = ModelBundle.load(written, bundle.id());
    Frame frame = Frame.read(data);
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Map<String, Object> row = new HashMap<>(frame.row(i));
      row.remove("churned");
      rows.add(row);
    }
    Predictions fromRows = loaded.predict(rows);
    Predictions inMemory = bundle.predict(frame.take(java.util.stream.IntStream.range(0, 50).toArray()));
    assertThat(fromRows.labels()).isEqualTo(inMemory.labels());
    assertThat(fromRows.probabilities()).isDeepEqualTo(inMemory.probabilities());
    assertThat(fromRows.classes()).containsExactly("no", "yes");
    Map<String, Object> first = fromRows.toRecords().get(0);
    assertThat(first).containsEntry("label", fromRows.labels()[0]);
    assertThat(first.get("probabilities")).isEqualTo(Map.of("no", fromRows.probabilities()[0][0],
        "yes", fromRows.probabilities()[0][1]));
    long agree = java.util.stream.IntStream.range(0, 50)
        .filter(i -> fromRows.labels()[i].equals(frame.strings("churned")[i])).count();
    assertThat(agree).isGreaterThan(35);

    Predictions odd = loaded.predict(List.of(Map.of("tenure", 3, "monthly", 95.5, "plan", "enterprise"), Map.of()));
    assertThat(odd.unknownCategories()).isEqualTo(Map.of("plan", java.util.Set.of("enterprise")));
    assertThat(odd.labels()).hasSize(2);
    assertThatThrownBy(() -> loaded.predict(List.of(Map.of("tenure", "long"))))
        .hasMessageContaining("row 0 column 'tenure' must be a number");
  }

  @Test
  void bundleJsonHoldsSchemasTransformsModelStatisticsMetricsAndProvenance() throws IOException {
    Path data = csv("churn.csv", churnCsv(300, 2));
    Path written = train(data, "cart", 1).write(dir.resolve("bundle"));
    JsonNode json = Json.MAPPER.readTree(written.resolve("bundle.json").toFile());
    assertThat(json.get("format_version").asInt()).isEqualTo(1);
    assertThat(json.get("bundle_id").asText()).hasSize(64);
    assertThat(json.get("input_schema").toString()).contains("{\"allowed_values\":[\"basic\",\"plus\",\"pro\"],"
        + "\"name\":\"plan\",\"type\":\"categorical\"}").contains("{\"name\":\"tenure\",\"type\":\"numeric\"}");
    assertThat(json.get("output_schema").toString())
        .isEqualTo("{\"classes\":[\"no\",\"yes\"],\"name\":\"churned\",\"probabilities\":true,\"task\":\"classification\"}");
    assertThat(json.at("/model/runtime").asText()).isEqualTo("tribuo");
    assertThat(json.at("/model/file").asText()).isEqualTo("model.tribuo");
    assertThat(json.at("/model/algorithm").asText()).isEqualTo("cart");
    assertThat(json.at("/model/params/max_depth").asInt()).isEqualTo(10);
    assertThat(json.at("/features/columns/1/steps/0/op").asText()).isEqualTo("bucketise");
    // 300 rows less a stratified quarter, rounded per class
    assertThat(json.at("/reference_statistics/row_count").asInt()).isBetween(224, 226);
    assertThat(json.at("/metrics/accuracy").asDouble()).isEqualTo(0.875);
    assertThat(json.at("/provenance/dataset/version").asInt()).isEqualTo(3);
    assertThat(json.at("/provenance/git_commit").asText()).isEqualTo("0123abc");
    try (Stream<Path> files = Files.list(written)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("bundle.json", "model.tribuo");
    }
  }

  @Test
  void aTamperedModelFileOrManifestIsRefused() throws IOException {
    Path data = csv("churn.csv", churnCsv(300, 4));
    ModelBundle bundle = train(data, "cart", 1);
    Path written = bundle.write(dir.resolve("bundle"));
    byte[] model = Files.readAllBytes(written.resolve("model.tribuo"));
    model[model.length / 2] ^= 1;
    Files.write(written.resolve("model.tribuo"), model);
    assertThatThrownBy(() -> ModelBundle.load(written)).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("damaged or was modified").hasMessageContaining("model file 'model.tribuo' has SHA-256");

    Path other = bundle.write(dir.resolve("other"));
    String manifest = Files.readString(other.resolve("bundle.json"));
    Files.writeString(other.resolve("bundle.json"), manifest.replace("0.875", "0.99"));
    assertThatThrownBy(() -> ModelBundle.load(other)).hasMessageContaining("its content hashes to")
        .hasMessageContaining("its recorded id is " + bundle.id());

    Path third = bundle.write(dir.resolve("third"));
    assertThatThrownBy(() -> ModelBundle.load(third, "0".repeat(64))).hasMessageContaining("not the expected");
    assertThatThrownBy(() -> ModelBundle.load(dir.resolve("missing"))).hasMessageContaining("has no file");
  }

  @Test
  void writesAreAtomicIdempotentAndNeverOverwriteAnotherBundle() throws IOException {
    Path data = csv("churn.csv", churnCsv(300, 6));
    ModelBundle bundle = train(data, "cart", 1);
    Path target = dir.resolve("bundles").resolve("b1");
    assertThat(bundle.write(target)).isEqualTo(target);
    assertThat(bundle.write(target)).isEqualTo(target);
    ModelBundle other = train(data, "cart", 2);
    assertThatThrownBy(() -> other.write(target)).isInstanceOf(CairnException.class)
        .hasMessageContaining("already holds bundle " + bundle.id());
    Files.createDirectories(dir.resolve("busy"));
    Files.writeString(dir.resolve("busy").resolve("x.txt"), "x");
    assertThatThrownBy(() -> other.write(dir.resolve("busy"))).hasMessageContaining("not empty");
    try (Stream<Path> left = Files.list(dir.resolve("bundles"))) {
      assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("b1");
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void aRegressionBundlePredictsNumbers() throws IOException {
    Path data = csv("churn.csv", churnCsv(400, 8));
    Frame frame = Frame.read(data);
    FittedFeatures features = FeatureSpec.fromJson("""
        {"columns": [{"column": "tenure", "steps": [{"op": "impute", "strategy": "mean"}]},
                     {"column": "plan", "steps": [{"op": "one_hot"}]}]}""").fit(frame);
    ModelTrainer trainer = ModelTrainer.of(Task.REGRESSION, "cart", Map.of("max_depth", 4));
    TrainedModel model = trainer.train(features.apply(frame), frame.column("monthly"));
    ModelBundle bundle = ModelBundle.builder(features, model, "monthly").trainer(trainer.spec()).build();
    ModelBundle loaded = ModelBundle.load(bundle.write(dir.resolve("reg")));
    assertThat(loaded.manifest().outputSchema().task()).isEqualTo(Task.REGRESSION);
    double[] values = loaded.predict(List.of(Map.of("tenure", 10, "plan", "pro"), Map.of("tenure", 60))).values();
    assertThat(values).hasSize(2);
    assertThat(loaded.predict(List.of(Map.of("tenure", 10, "plan", "pro"))).toRecords())
        .containsExactly(Map.of("value", values[0]));
    assertThat(java.util.Arrays.stream(values).boxed().toList()).allSatisfy(v -> assertThat(v).isBetween(20.0, 100.0));
    assertThat(loaded.id()).isEqualTo(bundle.id());
  }
}
