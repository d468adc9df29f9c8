package dev.cairn.ml.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.ml.eval.ModelOutput;
import dev.cairn.ml.onnx.OnnxModel;
import dev.cairn.ml.onnx.OnnxSchema;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * ONNX bundles: a Tribuo logistic regression over one-hot, index-encoded and numeric columns, exported to ONNX and
 * imported with a schema, predicts what ONNX Runtime and Tribuo compute; ids, tampering, misfits.
 */
class OnnxBundleTest {
  static final String[] PLANS = {"basic", "plus", "pro"};
  static final String[] REGIONS = {"north", "south", "west"};
  /** Tribuo orders features by name; the schema's columns fill the tensor in that order. */
  static final String[] FEATURES = {"plan=basic", "plan=plus", "plan=pro", "region", "tenure"};
  static final String SCHEMA = """
      inputs:
        - name: plan
          type: categorical
          values: [basic, plus, pro]
        - name: region
          type: categorical
          values: [north, south, west]
          encoding: index
        - name: tenure
          type: numeric
      output:
        type: classification
        labels: [%s]
      """;

  static Model<Label> classifier;
  static byte[] classifierOnnx;
  static List<String> labels;

  @TempDir Path dir;

  /** Rows of the raw columns: plan, region and tenure. */
  static List<Map<String, Object>> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("plan", PLANS[r.nextInt(3)]);
      row.put("region", REGIONS[r.nextInt(3)]);
      row.put("tenure", Math.round(r.nextGaussian() * 100) / 100.0);
      rows.add(row);
    }
    return rows;
  }

  /** The features of a row, encoded by hand (not by OnnxSchema), in {@link #FEATURES} order. */
  static double[] features(Map<String, Object> row) {
    double[] x = new double[FEATURES.length];
    x[List.of(PLANS).indexOf(row.get("plan"))] = 1;
    x[3] = List.of(REGIONS).indexOf(row.get("region"));
    x[4] = ((Number) row.get("tenure")).doubleValue();
    return x;
  }

  static String churn(Map<String, Object> row) {
    double tenure = ((Number) row.get("tenure")).doubleValue();
    return tenure < -0.3 || row.get("plan").equals("basic") && !row.get("region").equals("west") ? "yes" : "no";
  }

  @BeforeAll
  static void trainAndExport() throws Exception {
    var data = new MutableDataset<Label>(new SimpleDataSourceProvenance("churn", new LabelFactory()), new LabelFactory());
    for (Map<String, Object> row : rows(400, 1)) {
      data.add(new ArrayExample<>(new Label(churn(row)), FEATURES, features(row)));
    }
    classifier = new LogisticRegressionTrainer().train(data);
    for (int i = 0; i < FEATURES.length; i++) {
      assertThat(classifier.getFeatureIDMap().get(i).getName()).isEqualTo(FEATURES[i]);
    }
    classifierOnnx = ((ONNXExportable) classifier).exportONNXModel("dev.cairn.test", 1).toByteArray();
    labels = new ArrayList<>();
    for (int c = 0; c < classifier.getOutputIDInfo().size(); c++) {
      labels.add(classifier.getOutputIDInfo().getOutput(c).getLabel());
    }
  }

  private Path files(String name, byte[] model, String schema) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.write(folder.resolve("model.onnx"), model);
    Files.writeString(folder.resolve("schema.yaml"), schema);
    return folder;
  }

  private static String schema(List<String> labelOrder) {
    return SCHEMA.formatted(String.join(", ", labelOrder));
  }

  @Test
  void predictsWhatOnnxRuntimeAndTribuoComputeInOneCall() throws IOException {
    Path in = files("in", classifierOnnx, schema(labels));
    List<Map<String, Object>> test = rows(60, 2);
    float[][] byHand = new float[test.size()][];
    for (int i = 0; i < test.size(); i++) {
      byHand[i] = OnnxModel.toFloats(new double[][] {features(test.get(i))})[0];
    }
    try (OnnxBundle built = OnnxBundle.fromFiles(in.resolve("model.onnx"), in.resolve("schema.yaml")).build();
        Bundle loaded = Bundles.load(built.write(dir.resolve("bundle")), built.id());
        OnnxModel raw = OnnxModel.load(classifierOnnx)) {
      assertThat(loaded).isInstanceOf(OnnxBundle.class);
      assertThat(loaded.runtime()).isEqualTo("onnx");
      Predictions p = loaded.predict(test);
      ModelOutput.Classes direct = raw.classify(byHand, labels);
      assertThat(p.task()).isEqualTo(Task.CLASSIFICATION);
      assertThat(p.classes()).isEqualTo(labels);
      int agreeWithTruth = 0;
      for (int i = 0; i < test.size(); i++) {
        Prediction<Label> tribuo = classifier.predict(new ArrayExample<>(new Label("no"), FEATURES,
            features(test.get(i))));
        assertThat(p.labels()[i]).isEqualTo(direct.predicted()[i]).isEqualTo(tribuo.getOutput().getLabel());
        for (int c = 0; c < labels.size(); c++) {
          assertThat(p.probabilities()[i][c]).isCloseTo(direct.probabilities()[i][c], within(1e-5))
              .isCloseTo(tribuo.getOutputScores().get(labels.get(c)).getScore(), within(1e-5));
        }
        agreeWithTruth += p.labels()[i].equals(churn(test.get(i))) ? 1 : 0;
      }
      assertThat(agreeWithTruth).as("the model learnt something").isGreaterThan(45);
      assertThat(p.toRecords().get(0)).containsKeys("label", "probabilities");
    }
  }

  @Test
  void categoricalInputsAreOneHotOrIndexEncodedPerTheSchema() throws IOException {
    Path in = files("in", classifierOnnx, schema(labels));
    try (OnnxBundle bundle = OnnxBundle.fromFiles(in.resolve("model.onnx"), in.resolve("schema.yaml")).build();
        OnnxModel raw = OnnxModel.load(classifierOnnx)) {
      for (int plan = 0; plan < PLANS.length; plan++) {
        for (int region = 0; region < REGIONS.length; region++) {
          float[] x = new float[5];
          x[plan] = 1;
          x[3] = region;
          x[4] = 0.25f;
          double[] expected = raw.classify(new float[][] {x}, labels).probabilities()[0];
          double[] actual = bundle.predict(List.of(Map.of("plan", PLANS[plan], "region", REGIONS[region],
              "tenure", "0.25"))).probabilities()[0];
          assertThat(actual).containsExactly(expected, within(1e-7));
        }
      }
      assertThat(bundle.schema().encode(List.of(Map.of("plan", "plus", "region", "west", "tenure", 2)))[0])
          .containsExactly(0f, 1f, 0f, 2f, 2f);
      assertThatThrownBy(() -> bundle.predict(List.of(Map.of("plan", "gold", "region", "west", "tenure", 1))))
          .isInstanceOf(CairnException.class).hasMessage("row 0 column 'plan' is 'gold'; allowed values: basic, plus, pro");
      assertThatThrownBy(() -> bundle.predict(List.of(Map.of("plan", "pro", "tenure", 1))))
          .hasMessage("row 0 has no value for input column 'region'");
    }
  }

  @Test
  void theSameFilesGiveTheSameIdAndBytesAndAnotherSchemaAnotherId() throws IOException {
    Path a = files("a", classifierOnnx, schema(labels));
    Path b = files("b", classifierOnnx, "# the same schema, commented\n" + schema(labels));
    try (OnnxBundle first = OnnxBundle.fromFiles(a.resolve("model.onnx"), a.resolve("schema.yaml")).build();
        OnnxBundle second = OnnxBundle.fromFiles(b.resolve("model.onnx"), b.resolve("schema.yaml")).build()) {
      assertThat(second.id()).isEqualTo(first.id()).hasSize(64);
      Path one = first.write(dir.resolve("one"));
      Path two = second.write(dir.resolve("two"));
      for (String file : List.of("bundle.json", "model.onnx")) {
        assertThat(Files.readAllBytes(two.resolve(file))).isEqualTo(Files.readAllBytes(one.resolve(file)));
      }
      try (Bundle reloaded = Bundles.load(one)) {
        assertThat(reloaded.id()).isEqualTo(first.id());
        assertThat(((OnnxBundle) reloaded).schema()).isEqualTo(first.schema());
      }
      assertThat(first.write(one)).isEqualTo(one); // idempotent
    }
    Path swapped = files("swapped", classifierOnnx, schema(List.of(labels.get(1), labels.get(0))));
    try (OnnxBundle other = OnnxBundle.fromFiles(swapped.resolve("model.onnx"), swapped.resolve("schema.yaml"))
        .build(); OnnxBundle same = OnnxBundle.fromFiles(a.resolve("model.onnx"), a.resolve("schema.yaml")).build()) {
      assertThat(other.id()).isNotEqualTo(same.id());
    }
  }

  @Test
  void bundleJsonKeepsTheSchemaCanonicallyWithDerivedInputAndOutputSchemas() throws IOException {
    Path in = files("in", classifierOnnx, schema(labels));
    Path written;
    try (OnnxBundle bundle = OnnxBundle.fromFiles(in.resolve("model.onnx"), in.resolve("schema.yaml"))
        .metrics(Map.of("accuracy", 0.9)).provenance(Map.of("source", "partner team")).build()) {
      written = bundle.write(dir.resolve("bundle"));
    }
    JsonNode json = Json.MAPPER.readTree(written.resolve("bundle.json").toFile());
    assertThat(json.at("/model/runtime").asText()).isEqualTo("onnx");
    assertThat(json.at("/model/file").asText()).isEqualTo("model.onnx");
    assertThat(json.at("/model/sha256").asText()).isEqualTo(dev.cairn.core.Hashing.sha256Hex(classifierOnnx));
    assertThat(json.get("onnx_schema").toString()).isEqualTo("{\"inputs\":["
        + "{\"encoding\":\"one_hot\",\"name\":\"plan\",\"type\":\"categorical\",\"values\":[\"basic\",\"plus\",\"pro\"]},"
        + "{\"encoding\":\"index\",\"name\":\"region\",\"type\":\"categorical\",\"values\":[\"north\",\"south\",\"west\"]},"
        + "{\"name\":\"tenure\",\"type\":\"numeric\"}],"
        + "\"output\":{\"labels\":[\"" + String.join("\",\"", labels) + "\"],\"type\":\"classification\"}}");
    assertThat(json.get("input_schema").toString()).isEqualTo("[{\"allowed_values\":[\"basic\",\"plus\",\"pro\"],"
        + "\"name\":\"plan\",\"type\":\"categorical\"},{\"allowed_values\":[\"north\",\"south\",\"west\"],"
        + "\"name\":\"region\",\"type\":\"categorical\"},{\"name\":\"tenure\",\"type\":\"numeric\"}]");
    assertThat(json.at("/output_schema/name").asText()).isEqualTo("prediction");
    assertThat(json.at("/output_schema/task").asText()).isEqualTo("classification");
    assertThat(json.has("features")).isFalse();
    assertThat(json.has("reference_statistics")).isFalse();
    assertThat(json.at("/metrics/accuracy").asDouble()).isEqualTo(0.9);
    assertThat(json.at("/provenance/source").asText()).isEqualTo("partner team");
    try (Stream<Path> files = Files.list(written)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("bundle.json", "model.onnx");
    }
  }

  @Test
  void aTamperedModelFileOrManifestIsRefusedOnLoad() throws IOException {
    Path in = files("in", classifierOnnx, schema(labels));
    String id;
    Path written;
    try (OnnxBundle bundle = OnnxBundle.fromFiles(in.resolve("model.onnx"), in.resolve("schema.yaml")).build()) {
      id = bundle.id();
      written = bundle.write(dir.resolve("bundle"));
      bundle.write(dir.resolve("other"));
    }
    byte[] model = Files.readAllBytes(written.resolve("model.onnx"));
    model[model.length - 3] ^= 1;
    Files.write(written.resolve("model.onnx"), model);
    assertThatThrownBy(() -> Bundles.load(written)).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("damaged or was modified: model file 'model.onnx' has SHA-256");

    Path other = dir.resolve("other");
    String manifest = Files.readString(other.resolve("bundle.json"));
    Files.writeString(other.resolve("bundle.json"), manifest.replace("\"west\"", "\"east\""));
    assertThatThrownBy(() -> OnnxBundle.load(other)).hasMessageContaining("its content hashes to")
        .hasMessageContaining("its recorded id is " + id);
    assertThatThrownBy(() -> ModelBundle.load(dir.resolve("other")))
        .hasMessageContaining("hashes to"); // checked before the runtime
  }

  @Test
  void eachLoaderRefusesTheOtherRuntimeAndBundlesLoadsBoth() throws IOException {
    Path in = files("in", classifierOnnx, schema(labels));
    Path onnx;
    try (OnnxBundle bundle = OnnxBundle.fromFiles(in.resolve("model.onnx"), in.resolve("schema.yaml")).build()) {
      onnx = bundle.write(dir.resolve("onnx"));
    }
    assertThatThrownBy(() -> ModelBundle.load(onnx))
        .hasMessageContaining("needs runtime 'onnx'; this loader runs 'tribuo' models");
    Path csv = Files.writeString(dir.resolve("churn.csv"), ModelBundleTest.churnCsv(200, 3));
    Path tribuo = ModelBundleTest.train(csv, "cart", 1).write(dir.resolve("tribuo"));
    assertThatThrownBy(() -> OnnxBundle.load(tribuo))
        .hasMessageContaining("needs runtime 'tribuo'; this loader runs 'onnx' models");
    // Tribuo manifests are as before ONNX bundles existed: no onnx_schema key, so the same bytes and ids
    assertThat(Json.MAPPER.readTree(tribuo.resolve("bundle.json").toFile()).has("onnx_schema")).isFalse();
    try (Bundle loaded = Bundles.load(tribuo)) {
      assertThat(loaded).isInstanceOf(ModelBundle.class);
      assertThat(loaded.predict(List.of(Map.of("tenure", 3, "monthly", 90, "plan", "basic"))).labels()).hasSize(1);
    }
  }

  @Test
  void aRegressionModelPredictsItsValues() throws Exception {
    var data = new MutableDataset<Regressor>(new SimpleDataSourceProvenance("spend", new RegressionFactory()),
        new RegressionFactory());
    String[] names = {"a_tenure", "b_calls"};
    Random r = new Random(5);
    for (int i = 0; i < 300; i++) {
      double[] x = {r.nextGaussian(), r.nextGaussian()};
      data.add(new ArrayExample<>(new Regressor("spend", 3 * x[0] - 2 * x[1] + 1), names, x));
    }
    Model<Regressor> model = new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 20, 7).train(data);
    byte[] onnx = ((ONNXExportable) model).exportONNXModel("dev.cairn.test", 1).toByteArray();
    OnnxSchema schema = OnnxSchema.parse("""
        inputs:
          - {name: a_tenure, type: numeric}
          - {name: b_calls, type: numeric}
        output:
          type: regression
        """, "schema.yaml");
    try (OnnxBundle bundle = OnnxBundle.builder(onnx, schema).outputName("spend").build()) {
      assertThat(bundle.manifest().outputSchema().task()).isEqualTo(Task.REGRESSION);
      assertThat(bundle.manifest().outputSchema().name()).isEqualTo("spend");
      Predictions p = bundle.predict(List.of(Map.of("a_tenure", 1.5, "b_calls", -0.5), Map.of("a_tenure", 0,
          "b_calls", 2)));
      double[][] x = {{1.5, -0.5}, {0, 2}};
      for (int i = 0; i < 2; i++) {
        double expected = model.predict(new ArrayExample<>(new Regressor("spend", 0), names, x[i])).getOutput()
            .getValues()[0];
        assertThat(p.values()[i]).isCloseTo(expected, within(1e-5));
      }
      assertThat(p.values()[0]).isCloseTo(3 * 1.5 + 2 * 0.5 + 1, within(0.3));
    }
  }

  @Test
  void aModelThatDoesNotFitItsSchemaIsRefusedNamingBothFiles() throws IOException {
    Path narrow = files("narrow", classifierOnnx, schema(labels).replace("""
          - name: tenure
            type: numeric
        """, ""));
    assertThatThrownBy(() -> OnnxBundle.fromFiles(narrow.resolve("model.onnx"), narrow.resolve("schema.yaml")).build())
        .isInstanceOf(CairnException.class)
        .hasMessage(narrow.resolve("model.onnx") + " does not fit " + narrow.resolve("schema.yaml") + ": the schema's "
            + "inputs make 4 tensor columns [plan=basic, plan=plus, plan=pro, region] but the model input '"
            + "input' takes 5");
    Path threeLabels = files("three", classifierOnnx, schema(List.of("no", "yes", "maybe")));
    assertThatThrownBy(() -> OnnxBundle.fromFiles(threeLabels.resolve("model.onnx"), threeLabels.resolve("schema.yaml"))
        .build()).hasMessageContaining("does not fit").hasMessageContaining("gives 2 probabilities per row but 3 "
            + "labels were declared");
    Path garbage = files("garbage", "not a model".getBytes(), schema(labels));
    assertThatThrownBy(() -> OnnxBundle.fromFiles(garbage.resolve("model.onnx"), garbage.resolve("schema.yaml"))
        .build()).hasMessageStartingWith(garbage.resolve("model.onnx") + " is not a model ONNX Runtime can load: ");
    assertThatThrownBy(() -> OnnxBundle.fromFiles(dir.resolve("missing.onnx"), narrow.resolve("schema.yaml")))
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessage("model file " + dir.resolve("missing.onnx") + " does not exist");
    assertThatThrownBy(() -> OnnxBundle.fromFiles(narrow.resolve("model.onnx"), dir.resolve("missing.yaml")))
        .hasMessage("schema file " + dir.resolve("missing.yaml") + " does not exist");
  }
}
