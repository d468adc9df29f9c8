package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A small churn classifier trained by Tribuo and exported to ONNX, standing in for a model trained elsewhere in the
 * import tests: basic plans and short tenures leave. Tribuo orders features by name, which is the ONNX input's column
 * order: {@code plan=basic, plan=pro, tenure}, as the schema lists them.
 */
public final class OnnxChurnModel {
  static final String[] FEATURES = {"plan=basic", "plan=pro", "tenure"};

  /** The Tribuo model, to compare predictions with. */
  final Model<Label> tribuo;
  /** Its ONNX export. */
  final byte[] onnx;
  /** Its labels in probability-column order. */
  final List<String> labels;

  private OnnxChurnModel(Model<Label> tribuo, byte[] onnx, List<String> labels) {
    this.tribuo = tribuo;
    this.onnx = onnx;
    this.labels = labels;
  }

  static double[] features(String plan, double tenure) {
    return new double[] {plan.equals("basic") ? 1 : 0, plan.equals("pro") ? 1 : 0, tenure};
  }

  /** Trains the model on 300 seeded rows and exports it. */
  public static OnnxChurnModel train() throws Exception {
    var data = new MutableDataset<Label>(new SimpleDataSourceProvenance("churn", new LabelFactory()), new LabelFactory());
    Random random = new Random(3);
    for (int i = 0; i < 300; i++) {
      String plan = random.nextBoolean() ? "basic" : "pro";
      double tenure = random.nextGaussian();
      String label = tenure < -0.5 || plan.equals("basic") && tenure < 0.5 ? "yes" : "no";
      data.add(new ArrayExample<>(new Label(label), FEATURES, features(plan, tenure)));
    }
    Model<Label> model = new LogisticRegressionTrainer().train(data);
    byte[] onnx = ((ONNXExportable) model).exportONNXModel("dev.cairn.test", 1).toByteArray();
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < model.getOutputIDInfo().size(); c++) {
      labels.add(model.getOutputIDInfo().getOutput(c).getLabel());
    }
    return new OnnxChurnModel(model, onnx, List.copyOf(labels));
  }

  /** The ONNX file's bytes. */
  public byte[] onnx() {
    return onnx.clone();
  }

  /** The labels in the order the model's probability columns hold them. */
  public List<String> labels() {
    return labels;
  }
}
