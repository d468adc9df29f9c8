package dev.cairn.serving.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import dev.cairn.ml.bundle.OnnxBundle;
import dev.cairn.ml.onnx.OnnxSchema;
import dev.cairn.ml.train.Predictions;
import dev.cairn.serving.protocol.Limits;
import dev.cairn.serving.protocol.MlflowCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** An imported ONNX bundle serves through the same runtime: verified load, checks, and no explanations. */
class OnnxRuntimeTest {
  static final String[] PLANS = {"basic", "plus", "pro"};
  /** Tribuo orders features by name, which is the order the schema's columns fill the tensor. */
  static final String[] FEATURES = {"plan=basic", "plan=plus", "plan=pro", "tenure"};
  @TempDir static Path dir;
  static Path bundle;

  static List<Map<String, Object>> rows(int n, long seed) {
    Random r = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("plan", PLANS[r.nextInt(3)]);
      row.put("tenure", Math.round(r.nextGaussian() * 100) / 100.0);
      rows.add(row);
    }
    return rows;
  }

  @BeforeAll
  static void exportAndImport() throws Exception {
    var data = new MutableDataset<Label>(new SimpleDataSourceProvenance("churn", new LabelFactory()),
        new LabelFactory());
    for (Map<String, Object> row : rows(300, 1)) {
      double[] x = new double[4];
      x[List.of(PLANS).indexOf(row.get("plan"))] = 1;
      double tenure = (Double) row.get("tenure");
      x[3] = tenure;
      String label = tenure < -0.3 || row.get("plan").equals("basic") ? "yes" : "no";
      data.add(new ArrayExample<>(new Label(label), FEATURES, x));
    }
    Model<Label> model = new LogisticRegressionTrainer().train(data);
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < model.getOutputIDInfo().size(); c++) {
      labels.add(model.getOutputIDInfo().getOutput(c).getLabel());
    }
    byte[] onnx = ((ONNXExportable) model).exportONNXModel("dev.cairn.test", 1).toByteArray();
    OnnxSchema schema = OnnxSchema.parse("""
        inputs:
          - name: plan
            type: categorical
            values: [basic, plus, pro]
          - name: tenure
            type: numeric
        output:
          type: classification
          labels: [%s]
        """.formatted(String.join(", ", labels)), "schema.yaml");
    bundle = OnnxBundle.builder(onnx, schema).build().write(dir.resolve("onnx"));
  }

  @Test
  void servesTheBundlesPredictionsAndChecksInputs() {
    try (LoadedModel model = ModelRuntime.defaults().load(bundle); Bundle direct = Bundles.load(bundle)) {
      List<Map<String, Object>> rows = rows(80, 2);
      Predictions p = model.predict(rows);
      Predictions expected = direct.predict(rows);
      assertThat(p.labels()).containsExactly(expected.labels());
      assertThat(p.probabilities()).isDeepEqualTo(expected.probabilities());
      byte[] csv = ("plan,tenure\n" + String.join("\n", rows.stream().map(r -> r.get("plan") + "," + r.get("tenure"))
          .toList()) + "\n").getBytes(StandardCharsets.UTF_8);
      assertThat(model.predict(new MlflowCodec(model.inputSchema(), Limits.DEFAULT).decode("text/csv", csv).rows())
          .labels()).containsExactly(expected.labels());

      List<Map<String, Object>> missing = rows(3, 4);
      missing.get(1).put("tenure", null);
      assertThatThrownBy(() -> model.predict(missing)).isInstanceOf(CairnException.class)
          .hasMessageContaining("row 1 column 'tenure' is missing");
      List<Map<String, Object>> unknown = rows(3, 4);
      unknown.get(2).put("plan", "gold");
      assertThatThrownBy(() -> model.predict(unknown)).isInstanceOf(CairnException.class)
          .hasMessageContaining("row 2 column 'plan' has category 'gold'").hasMessageContaining("basic, plus, pro");
      assertThat(model.explainable()).isFalse();
      assertThatThrownBy(() -> model.score(rows(2, 5), true)).isInstanceOf(CairnException.class)
          .hasMessageContaining("linear models only").hasMessageContaining("onnx");
    }
  }
}
