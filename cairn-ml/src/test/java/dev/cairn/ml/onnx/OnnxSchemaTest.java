package dev.cairn.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.ml.eval.ModelOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxSchemaTest {
  static final String CHURN = """
      # columns in the order they fill the input tensor
      inputs:
        - name: tenure
          type: numeric
        - name: plan
          type: categorical
          values: [basic, pro]
        - name: region
          type: categorical
          values: [north, south, west]
          encoding: index
      output:
        type: classification
        labels: [no, yes]
      """;

  @Test
  void parsesColumnsEncodingsAndOutput() {
    OnnxSchema schema = OnnxSchema.parse(CHURN, "schema.yaml");
    assertThat(schema.inputs()).extracting(OnnxSchema.InputColumn::name).containsExactly("tenure", "plan", "region");
    assertThat(schema.inputs().get(1).encoding()).isEqualTo(OnnxSchema.Encoding.ONE_HOT);
    assertThat(schema.inputs().get(2).encoding()).isEqualTo(OnnxSchema.Encoding.INDEX);
    // YAML 1.1 would read no/yes as booleans; labels keep their text
    assertThat(schema.output().labels()).containsExactly("no", "yes");
    assertThat(schema.width()).isEqualTo(4);
    assertThat(schema.tensorColumns()).containsExactly("tenure", "plan=basic", "plan=pro", "region");
    assertThat(OnnxSchema.parse(schema.toYaml(), "again.yaml")).isEqualTo(schema);
  }

  @Test
  void encodesRowsIntoTheTensorOrder() {
    OnnxSchema schema = OnnxSchema.parse(CHURN, "schema.yaml");
    float[][] x = schema.encode(List.of(Map.of("tenure", 12, "plan", "pro", "region", "west"),
        Map.of("tenure", "3.5", "plan", "basic", "region", "north", "ignored", "x")));
    assertThat(x[0]).containsExactly(12f, 0f, 1f, 2f);
    assertThat(x[1]).containsExactly(3.5f, 1f, 0f, 0f);
    assertThatThrownBy(() -> schema.encode(List.of(Map.of("tenure", 1, "plan", "gold", "region", "west"))))
        .isInstanceOf(CairnException.class)
        .hasMessage("row 0 column 'plan' is 'gold'; allowed values: basic, pro");
    assertThatThrownBy(() -> schema.encode(List.of(Map.of("tenure", "long", "plan", "pro", "region", "west"))))
        .hasMessage("row 0 column 'tenure' is 'long'; it must be a number");
    assertThatThrownBy(() -> schema.encode(List.of(Map.of("plan", "pro", "region", "west"))))
        .hasMessage("row 0 has no value for input column 'tenure'");
  }

  @Test
  void errorsNameFileLineAndKey() {
    assertThatThrownBy(() -> OnnxSchema.parse("""
        inputs:
          - name: tenure
            type: text
        output:
          type: regression
        """, "schema.yaml")).hasMessage(
        "schema.yaml line 3, key inputs[0].type: 'text' is not a column type; use numeric or categorical");
    assertThatThrownBy(() -> OnnxSchema.parse("""
        inputs:
          - name: plan
            type: categorical
        output:
          type: regression
        """, "schema.yaml")).hasMessage(
        "schema.yaml line 2, key inputs[0].values: is required");
    assertThatThrownBy(() -> OnnxSchema.parse("""
        inputs:
          - name: tenure
            type: numeric
            colour: blue
        output:
          type: regression
        """, "schema.yaml")).hasMessage(
        "schema.yaml line 4, key inputs[0].colour: unknown key; allowed keys: name, type, values, encoding");
    assertThatThrownBy(() -> OnnxSchema.parse("""
        inputs:
          - name: tenure
            type: numeric
        output:
          type: classification
          labels: [a]
        """, "schema.yaml")).hasMessage(
        "schema.yaml line 6, key output.labels: a classification output needs at least two labels");
    assertThatThrownBy(() -> OnnxSchema.parse("inputs: [\n", "schema.yaml")).hasMessageStartingWith("schema.yaml line");
    assertThatThrownBy(() -> OnnxSchema.parse("""
        inputs:
          - name: a
            type: numeric
        """, "s.yaml")).hasMessage("s.yaml line 1, key output: is required");
  }

  @Test
  void readsAFileAndPredictsThroughTheModel(@TempDir Path dir) throws Exception {
    // the scikit-learn style model takes 2 columns: tenure and a one-hot plan with a single value
    Path file = dir.resolve("schema.yaml");
    Files.writeString(file, """
        inputs:
          - name: tenure
            type: numeric
          - name: plan
            type: categorical
            values: [pro]
        output:
          type: classification
          labels: [cat, dog, eel]
        """);
    OnnxSchema schema = OnnxSchema.read(file);
    float[][] w = {{1, -1, 0.5f}, {0, 2, -1}};
    try (OnnxModel model = schema.check(OnnxModel.load(SklearnStyleModel.build(w, List.of("cat", "dog", "eel"))))) {
      var out = (ModelOutput.Classes) schema.predict(model, List.of(Map.of("tenure", 1.0, "plan", "pro")));
      // x = (1, 1): logits (1, 1, -0.5) -> softmax: e/(2e + e^-0.5) for cat and dog
      double cat = Math.E / (2 * Math.E + Math.exp(-0.5));
      assertThat(out.probabilities()[0][0]).isCloseTo(cat, within(1e-5));
      assertThat(out.probabilities()[0][1]).isCloseTo(cat, within(1e-5));
    }
    assertThatThrownBy(() -> OnnxSchema.read(dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml");
  }

  @Test
  void checkRejectsASchemaOfTheWrongWidth() {
    OnnxSchema schema = OnnxSchema.parse(CHURN, "schema.yaml");
    try (OnnxModel model = OnnxModel.load(SklearnStyleModel.build(new float[][] {{1, 2}, {3, 4}},
        List.of("no", "yes")))) {
      assertThatThrownBy(() -> schema.check(model)).hasMessage("the schema's inputs make 4 tensor columns "
          + "[tenure, plan=basic, plan=pro, region] but the model input 'float_input' takes 2");
    }
  }
}
