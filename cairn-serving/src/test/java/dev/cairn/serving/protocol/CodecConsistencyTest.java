package dev.cairn.serving.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.serving.runtime.Scored;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training/serving consistency: the same rows through every request format give the bundle's own predictions. */
class CodecConsistencyTest {
  @TempDir static Path dir;
  static Path classifier;
  static Path regression;

  @BeforeAll
  static void train() {
    classifier = TestBundles.classifier(dir, "logistic_regression");
    regression = TestBundles.write(dir, "cart", Task.REGRESSION, Map.of(), Map.of());
  }

  /** Every format's body for {@code rows}, by a name for failure messages. */
  private static Map<String, ScoringRequest> allFormats(LoadedModel model, List<Map<String, Object>> rows) {
    List<InputField> schema = model.inputSchema();
    OipCodec oip = new OipCodec(schema, model.outputSchema(), Limits.DEFAULT);
    MlflowCodec mlflow = new MlflowCodec(schema, Limits.DEFAULT);
    Map<String, ScoringRequest> out = new LinkedHashMap<>();
    out.put("oip columns [n]", oip.decode(RequestBodies.oipColumns(schema, rows, false)));
    out.put("oip columns [n,1]", oip.decode(RequestBodies.oipColumns(schema, rows, true)));
    out.put("oip matrix", oip.decode(RequestBodies.oipMatrix(schema, rows, false)));
    String json = "application/json; charset=utf-8";
    out.put("dataframe_split", mlflow.decode(json, RequestBodies.dataframeSplit(schema, rows)));
    out.put("dataframe_records", mlflow.decode(json, RequestBodies.records("dataframe_records", rows)));
    out.put("instances records", mlflow.decode(json, RequestBodies.records("instances", rows)));
    out.put("instances rows", mlflow.decode(json, RequestBodies.tensorRows("instances", schema, rows)));
    out.put("inputs records", mlflow.decode(json, RequestBodies.records("inputs", rows)));
    out.put("inputs columns", mlflow.decode(json, RequestBodies.columnar("inputs", schema, rows)));
    out.put("text/csv", mlflow.decode("text/csv", RequestBodies.csv(schema, rows)));
    return out;
  }

  @Test
  void everyFormatGivesTheBundlesPredictionsForAClassifier() {
    List<Map<String, Object>> rows = TestBundles.rows(300, 3);
    try (LoadedModel model = ModelRuntime.defaults().load(classifier); Bundle bundle = Bundles.load(classifier)) {
      Predictions expected = bundle.predict(rows);
      allFormats(model, rows).forEach((format, request) -> {
        assertThat(request.rows()).as(format).hasSize(300);
        Predictions p = model.predict(request.rows());
        assertThat(p.labels()).as(format).containsExactly(expected.labels());
        assertThat(p.probabilities()).as(format).isDeepEqualTo(expected.probabilities());
      });
    }
  }

  @Test
  void everyFormatGivesTheBundlesPredictionsForARegression() {
    List<Map<String, Object>> rows = TestBundles.rows(120, 4);
    try (LoadedModel model = ModelRuntime.defaults().load(regression); Bundle bundle = Bundles.load(regression)) {
      double[] expected = bundle.predict(rows).values();
      allFormats(model, rows).forEach((format, request) ->
          assertThat(model.predict(request.rows()).values()).as(format).containsExactly(expected));
    }
  }

  @Test
  void responsesCarryLabelsProbabilitiesAndExplanations() {
    List<Map<String, Object>> rows = TestBundles.rows(4, 9);
    try (LoadedModel model = ModelRuntime.defaults().load(classifier)) {
      OipCodec oip = new OipCodec(model.inputSchema(), model.outputSchema(), Limits.DEFAULT);
      ScoringRequest request = oip.decode(RequestBodies.oipMatrix(model.inputSchema(), rows, true));
      assertThat(request.explain()).isTrue();
      Scored scored = model.score(request.rows(), request.explain());
      ObjectNode response = oip.encode("churn", "3", "req-9", scored);
      assertThat(response.get("model_name").asText()).isEqualTo("churn");
      assertThat(response.get("model_version").asText()).isEqualTo("3");
      assertThat(response.get("id").asText()).isEqualTo("req-9");
      JsonNode outputs = response.get("outputs");
      assertThat(outputs.get(0).get("name").asText()).isEqualTo("churned");
      assertThat(outputs.get(0).get("datatype").asText()).isEqualTo("BYTES");
      for (int r = 0; r < 4; r++) {
        assertThat(outputs.get(0).get("data").get(r).asText()).isEqualTo(scored.predictions().labels()[r]);
      }
      JsonNode probabilities = outputs.get(1);
      assertThat(probabilities.get("shape").toString()).isEqualTo("[4,2]");
      assertThat(probabilities.get("parameters").get("classes").toString()).isEqualTo("[\"no\",\"yes\"]");
      assertThat(probabilities.get("data").get(3).asDouble()).isEqualTo(scored.predictions().probabilities()[1][1]);
      JsonNode contributions = outputs.get(2);
      int features = scored.explanations().features().size();
      assertThat(contributions.get("shape").toString()).isEqualTo("[4," + features + "]");
      assertThat(contributions.get("data").get(features).asDouble())
          .isEqualTo(scored.explanations().contributions()[1][0]);
      assertThat(outputs.get(3).get("name").asText()).isEqualTo("intercepts");

      JsonNode mlflow = MlflowCodec.encode(scored).get("predictions");
      assertThat(mlflow).hasSize(4);
      assertThat(mlflow.get(2).get("label").asText()).isEqualTo(scored.predictions().labels()[2]);
      assertThat(mlflow.get(2).get("probabilities").get("yes").asDouble())
          .isEqualTo(scored.predictions().probability(2, "yes"));
      assertThat(mlflow.get(2).get("contributions").get("age").asDouble())
          .isEqualTo(scored.explanations().byFeature(2).get("age"));

      ObjectNode metadata = oip.metadata("churn", List.of("3"), "cairn_tribuo");
      assertThat(metadata.get("inputs")).hasSize(4);
      assertThat(metadata.get("inputs").get(2).get("datatype").asText()).isEqualTo("BYTES");
      assertThat(OipCodec.error("bad").toString()).isEqualTo("{\"error\":\"bad\"}");
    }
  }

  @Test
  void regressionResponsesCarryValues() {
    List<Map<String, Object>> rows = TestBundles.rows(3, 9);
    try (LoadedModel model = ModelRuntime.defaults().load(regression)) {
      Scored scored = model.score(rows, false);
      JsonNode out = new OipCodec(model.inputSchema(), model.outputSchema(), Limits.DEFAULT)
          .encode("spend", null, null, scored).get("outputs");
      assertThat(out).hasSize(1);
      assertThat(out.get(0).get("name").asText()).isEqualTo("spend");
      assertThat(out.get(0).get("datatype").asText()).isEqualTo("FP64");
      assertThat(out.get(0).get("data").get(2).asDouble()).isEqualTo(scored.predictions().values()[2]);
      assertThat(MlflowCodec.encode(scored).get("predictions").get(1).get("value").asDouble())
          .isEqualTo(scored.predictions().values()[1]);
    }
  }
}
