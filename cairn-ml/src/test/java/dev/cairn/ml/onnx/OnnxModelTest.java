package dev.cairn.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.ml.eval.Metric;
import dev.cairn.ml.eval.ModelOutput;
import dev.cairn.ml.eval.PermutationImportance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

class OnnxModelTest {

  @Test
  void tribuoLogisticRegressionExportedToOnnxPredictsWhatTribuoPredicts() throws Exception {
    double[][] train = TribuoModels.rows(200, 1);
    Model<Label> model = new LogisticRegressionTrainer().train(TribuoModels.classification(train));
    byte[] onnx = ((ONNXExportable) model).exportONNXModel("dev.cairn.test", 1).toByteArray();
    List<String> features = TribuoModels.featureOrder(model);
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < model.getOutputIDInfo().size(); c++) {
      labels.add(model.getOutputIDInfo().getOutput(c).getLabel());
    }
    assertThat(labels).containsExactlyInAnyOrder("gold", "silver", "bronze");

    double[][] test = TribuoModels.rows(50, 2);
    try (OnnxModel onnxModel = OnnxModel.load(onnx)) {
      assertThat(onnxModel.inputs()).hasSize(1);
      assertThat(onnxModel.inputs().get(0).type()).isEqualTo("FLOAT");
      assertThat(onnxModel.inputs().get(0).shape()).containsExactly(-1L, 3L);
      assertThat(onnxModel.inputWidth()).isEqualTo(3);
      assertThat(onnxModel.outputs().get(0).kind()).isEqualTo("tensor");

      ModelOutput.Classes out = onnxModel.classify(TribuoModels.inModelOrder(test, features), labels);
      var raw = onnxModel.runTensors(TribuoModels.inModelOrder(test, features));
      assertThat(raw).containsOnlyKeys(onnxModel.outputs().get(0).name());
      assertThat(raw.values().iterator().next()).hasNumberOfRows(test.length);
      for (int i = 0; i < test.length; i++) {
        Prediction<Label> expected = model.predict(
            new ArrayExample<>(new Label("gold"), TribuoModels.FEATURES, test[i]));
        assertThat(out.predicted()[i]).isEqualTo(expected.getOutput().getLabel());
        for (int c = 0; c < labels.size(); c++) {
          assertThat(out.probabilities()[i][c])
              .isCloseTo(expected.getOutputScores().get(labels.get(c)).getScore(), within(1e-5));
        }
      }
    }
  }

  @Test
  void tribuoLinearRegressionExportedToOnnxPredictsWhatTribuoPredicts(@TempDir Path dir) throws Exception {
    double[][] train = TribuoModels.rows(200, 3);
    Model<Regressor> model = new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.1), 20, 7)
        .train(TribuoModels.regression(train));
    Path file = dir.resolve("model.onnx");
    Files.write(file, ((ONNXExportable) model).exportONNXModel("dev.cairn.test", 1).toByteArray());
    double[][] test = TribuoModels.rows(40, 4);
    List<String> features = TribuoModels.featureOrder(model);
    try (OnnxModel onnxModel = OnnxModel.load(file)) {
      double[] values = onnxModel.regress(TribuoModels.inModelOrder(test, features)).values();
      for (int i = 0; i < test.length; i++) {
        Prediction<Regressor> expected = model.predict(
            new ArrayExample<>(new Regressor("y", 0), TribuoModels.FEATURES, test[i]));
        assertThat(values[i]).isCloseTo(expected.getOutput().getValues()[0], within(1e-5));
      }
      // the model learned the relation, so the ONNX predictions are close to the truth, and the feature with
      // the largest weight (tenure, 3) matters most in permutation importance run on the ONNX model
      double[] actual = new double[test.length];
      double[][] ordered = new double[test.length][];
      for (int i = 0; i < test.length; i++) {
        actual[i] = 3 * test[i][0] - 2 * test[i][1] + 0.5 * test[i][2] + 1;
        float[] row = TribuoModels.inModelOrder(new double[][] {test[i]}, features)[0];
        ordered[i] = new double[] {row[0], row[1], row[2]};
      }
      var importance = PermutationImportance.forRegressor(ordered, features, onnxModel.asRegressor(), actual,
          Metric.RMSE, 3, 11);
      var top = importance.stream().max((a, b) -> Double.compare(a.mean(), b.mean())).orElseThrow();
      assertThat(top.feature()).isEqualTo("tenure");
    }
  }

  @Test
  void scikitLearnStyleSequenceOfMapsGivesLabelsAndProbabilities() {
    // W (2 features x 3 classes); probabilities = softmax(x W), labels from a string label tensor
    float[][] w = {{1, -1, 0.5f}, {0, 2, -1}};
    List<String> labels = List.of("cat", "dog", "eel");
    byte[] bytes = SklearnStyleModel.build(w, labels);
    float[][] x = {{1, 0}, {0, 1}, {-2, -1}, {0.3f, 0.2f}};
    try (OnnxModel model = OnnxModel.load(bytes)) {
      assertThat(model.outputs()).extracting(TensorSpec::kind).containsExactly("tensor", "sequence");
      assertThat(model.outputs().get(1).type()).isEqualTo("map(STRING,FLOAT)");
      ModelOutput.Classes out = model.classify(x, List.of("eel", "dog", "cat"));
      assertThat(out.labels()).containsExactly("eel", "dog", "cat");
      for (int i = 0; i < x.length; i++) {
        double[] expected = softmax(x[i], w);
        int best = 0;
        for (int c = 0; c < 3; c++) {
          assertThat(out.probabilities()[i][out.labels().indexOf(labels.get(c))]).isCloseTo(expected[c], within(1e-5));
          best = expected[c] > expected[best] ? c : best;
        }
        assertThat(out.predicted()[i]).isEqualTo(labels.get(best));
      }
      // the raw numeric outputs: only the label tensor is not numeric, the sequence of maps is not a tensor
      assertThat(model.runTensors(x)).isEmpty();
      // without declared labels the map keys are used, sorted
      assertThat(model.classify(x, null).labels()).containsExactly("cat", "dog", "eel");
      assertThatThrownBy(() -> model.classify(x, List.of("cat", "dog", "fox")))
          .hasMessageContaining("has labels [cat, dog, eel] but the declared labels are [cat, dog, fox]");
    }
  }

  private static double[] softmax(float[] x, float[][] w) {
    double[] z = new double[w[0].length];
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      for (int j = 0; j < x.length; j++) {
        z[c] += x[j] * w[j][c];
      }
      z[c] = Math.exp(z[c]);
      sum += z[c];
    }
    for (int c = 0; c < z.length; c++) {
      z[c] /= sum;
    }
    return z;
  }

  @Test
  void wrongWidthAndBadBytesAreClearErrors() throws Exception {
    Model<Label> model = new LogisticRegressionTrainer().train(TribuoModels.classification(TribuoModels.rows(30, 5)));
    try (OnnxModel onnx = OnnxModel.load(((ONNXExportable) model).exportONNXModel("dev.cairn.test", 1).toByteArray())) {
      assertThatThrownBy(() -> onnx.classify(new float[][] {{1, 2}}, List.of("a", "b", "c")))
          .isInstanceOf(CairnException.class)
          .hasMessage("row 0 has 2 features but ONNX input '" + onnx.inputs().get(0).name() + "' takes 3");
      assertThatThrownBy(() -> onnx.classify(new float[][] {{1, 2, 3}}, List.of("a", "b")))
          .hasMessage("ONNX model gives 3 probabilities per row but 2 labels were declared [a, b]");
    }
    assertThatThrownBy(() -> OnnxModel.load(new byte[] {1, 2, 3}))
        .hasMessageStartingWith("ONNX model cannot be loaded: ");
  }
}
