package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.cli.Cli.Result;
import dev.cairn.client.CairnClient;
import dev.cairn.client.LoggedModelInfo;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import dev.cairn.ml.train.Predictions;
import dev.cairn.registry.ModelVersion;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/** {@code cairn models import-onnx} against a real server: import, register, download, load and predict; errors. */
class ModelsImportOnnxCommandTest {
  static final String SCHEMA = """
      inputs:
        - name: plan
          type: categorical
          values: [basic, pro]
        - name: tenure
          type: numeric
      output:
        type: classification
        labels: [%s]
      """;

  static OnnxChurnModel model;
  static String labels;

  @TempDir Path serverDir;
  @TempDir Path tmp;
  CairnServer server;

  @BeforeAll
  static void exportModel() throws Exception {
    model = OnnxChurnModel.train();
    labels = String.join(", ", model.labels());
  }

  @BeforeEach
  void start() throws Exception {
    server = Cli.startServer(serverDir);
    Files.write(tmp.resolve("model.onnx"), model.onnx());
    Files.writeString(tmp.resolve("schema.yaml"), SCHEMA.formatted(labels));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Result ok(String... args) {
    Result r = Cli.tracked(server, args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  private String file(String name) {
    return tmp.resolve(name).toString();
  }

  @Test
  void importsAnOnnxModelThatDownloadsAsABundleAndPredictsWhatTribuoComputes() throws Exception {
    Result imported = ok("models", "import-onnx", file("model.onnx"), "--schema", file("schema.yaml"),
        "--name", "churn-onnx", "--description", "trained by the partner team");
    List<String> lines = imported.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("bundle  [0-9a-f]{64}");
    assertThat(lines.get(1)).matches("model   m-[0-9a-f]{32}");
    assertThat(lines.get(2)).isEqualTo("version churn-onnx 1");
    assertThat(imported.err()).contains("checked " + file("model.onnx") + " against " + file("schema.yaml")
        + ": 2 input columns -> 3 tensor columns; classification [" + labels + "]")
        .contains("3 files (MLmodel, bundle.json, model.onnx)");
    String bundleId = lines.get(0).substring(8);
    String modelId = lines.get(1).substring(8);

    try (CairnClient client = CairnClient.connect(server.url())) {
      ModelVersion v = client.models().getVersion("churn-onnx", 1);
      assertThat(v.modelId()).isEqualTo(modelId);
      assertThat(v.source()).isEqualTo("models:/" + modelId);
      assertThat(v.description()).isEqualTo("trained by the partner team");
      LoggedModelInfo logged = client.loggedModels().get(modelId);
      assertThat(logged.status()).isEqualTo(LoggedModelInfo.Status.READY);
      assertThat(logged.tags()).containsEntry("cairn.bundle_id", bundleId).containsEntry("cairn.runtime", "onnx");
    }

    Path out = tmp.resolve("downloaded");
    ok("models", "download", "models:/churn-onnx/1", "--dest", out.toString());
    var mlmodel = Json.YAML.readTree(out.resolve("MLmodel").toFile());
    assertThat(mlmodel.at("/flavors/cairn/bundle_id").asText()).isEqualTo(bundleId);
    assertThat(mlmodel.at("/flavors/cairn/runtime").asText()).isEqualTo("onnx");
    assertThat(mlmodel.at("/model_id").asText()).isEqualTo(modelId);
    assertThat(mlmodel.at("/signature/inputs").asText())
        .contains("\"name\":\"plan\"", "\"type\":\"string\"", "\"name\":\"tenure\"", "\"type\":\"double\"");
    try (Bundle bundle = Bundles.load(out, bundleId)) {
      Random random = new Random(9);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        rows.add(Map.of("plan", random.nextBoolean() ? "basic" : "pro", "tenure", random.nextGaussian()));
      }
      Predictions p = bundle.predict(rows);
      for (int i = 0; i < rows.size(); i++) {
        Prediction<Label> expected = model.tribuo.predict(new ArrayExample<>(new Label("no"), OnnxChurnModel.FEATURES,
            OnnxChurnModel.features((String) rows.get(i).get("plan"), (Double) rows.get(i).get("tenure"))));
        assertThat(p.labels()[i]).isEqualTo(expected.getOutput().getLabel());
        assertThat(p.probability(i, "yes"))
            .isCloseTo(expected.getOutputScores().get("yes").getScore(), within(1e-5));
      }
    }

    // the same files again: a new version of the same bundle
    Result again = ok("models", "import-onnx", file("model.onnx"), "--schema", file("schema.yaml"), "--name",
        "churn-onnx");
    assertThat(again.out()).startsWith("bundle  " + bundleId + "\n").endsWith("version churn-onnx 2\n");
  }

  @Test
  void anAliasIsSetUnlessProtectedThenAPromotionRequestIsTheWay() {
    Result first = ok("models", "import-onnx", file("model.onnx"), "--schema", file("schema.yaml"), "--name", "churn",
        "--alias", "challenger");
    assertThat(first.out()).endsWith("version churn 1\nalias   models:/churn@challenger -> 1\n");
    assertThat(ok("models", "resolve", "models:/churn@challenger").out()).contains("version       1");

    ok("models", "policy", "set", "churn", "production");
    Result refused = Cli.tracked(server, "models", "import-onnx", file("model.onnx"), "--schema", file("schema.yaml"),
        "--name", "churn", "--alias", "production");
    assertThat(refused.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(refused.out()).endsWith("version churn 2\n");
    assertThat(refused.err().lines().filter(l -> l.startsWith("cairn: ")).toList()).containsExactly(
        "cairn: churn version 2 is registered, but alias 'production' is protected by a promotion policy and was not "
            + "moved; ask for the move with: cairn models request-promotion churn 2 --alias production --reason TEXT");
    ok("models", "request-promotion", "churn", "2", "--alias", "production", "--reason", "imported");
  }

  private Result fails(String... args) {
    Result r = Cli.tracked(server, args);
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.EXIT_FAILURE);
    List<String> errors = r.err().lines().filter(l -> l.startsWith("cairn: ")).toList();
    assertThat(errors).as(r.err()).hasSize(1);
    return new Result(r.exitCode(), r.out(), errors.get(0));
  }

  @Test
  void badInputsGiveOneLineErrorsNamingTheFileAndRegisterNothing() throws Exception {
    Files.writeString(tmp.resolve("no-tenure.yaml"), SCHEMA.formatted(labels).replace("""
          - name: tenure
            type: numeric
        """, ""));
    assertThat(fails("models", "import-onnx", file("model.onnx"), "--schema", file("no-tenure.yaml"), "--name", "m")
        .err()).isEqualTo("cairn: " + file("model.onnx") + " does not fit " + file("no-tenure.yaml") + ": the "
            + "schema's inputs make 2 tensor columns [plan=basic, plan=pro] but the model input 'input' takes 3");

    Files.writeString(tmp.resolve("wide.yaml"), SCHEMA.formatted(labels).replace("values: [basic, pro]",
        "values: [basic, pro, enterprise]"));
    assertThat(fails("models", "import-onnx", file("model.onnx"), "--schema", file("wide.yaml"), "--name", "m").err())
        .contains(file("wide.yaml"), "make 4 tensor columns", "takes 3");

    Files.writeString(tmp.resolve("untyped.yaml"), SCHEMA.formatted(labels).replace("    type: numeric\n", ""));
    assertThat(fails("models", "import-onnx", file("model.onnx"), "--schema", file("untyped.yaml"), "--name", "m")
        .err()).isEqualTo("cairn: " + file("untyped.yaml") + " line 5, key inputs[1].type: is required");

    Files.writeString(tmp.resolve("three.yaml"), SCHEMA.formatted("no, yes, maybe"));
    assertThat(fails("models", "import-onnx", file("model.onnx"), "--schema", file("three.yaml"), "--name", "m").err())
        .contains(file("three.yaml"), "gives 2 probabilities per row but 3 labels were declared");

    assertThat(fails("models", "import-onnx", file("missing.onnx"), "--schema", file("schema.yaml"), "--name", "m")
        .err()).isEqualTo("cairn: model file " + file("missing.onnx") + " does not exist");
    assertThat(fails("models", "import-onnx", file("model.onnx"), "--schema", file("missing.yaml"), "--name", "m")
        .err()).isEqualTo("cairn: schema file " + file("missing.yaml") + " does not exist");
    Files.writeString(tmp.resolve("text.onnx"), "not a model");
    assertThat(fails("models", "import-onnx", file("text.onnx"), "--schema", file("schema.yaml"), "--name", "m").err())
        .startsWith("cairn: " + file("text.onnx") + " is not a model ONNX Runtime can load: ");

    Result usage = Cli.tracked(server, "models", "import-onnx", file("model.onnx"), "--name", "m");
    assertThat(usage.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(usage.err()).contains("--schema");

    try (CairnClient client = CairnClient.connect(server.url())) {
      assertThat(client.models().searchModels(null, 0, null).items()).isEmpty();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.models().getModel("m"))
          .isInstanceOf(CairnException.class);
    }
  }

  @Test
  void hasHelp() {
    Result r = Cli.cairn("models", "import-onnx", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: cairn models import-onnx", "--schema", "--name", "--alias", "--description");
  }
}
