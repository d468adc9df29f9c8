package dev.cairn.ml.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Small synthetic Tribuo datasets for the ONNX tests: rows are generated from a fixed seed. */
final class TribuoModels {
  static final String[] FEATURES = {"tenure", "calls", "spend"};

  private TribuoModels() {}

  static double[][] rows(int n, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][FEATURES.length];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return x;
  }

  /** Three classes separated mostly by the first two features. */
  static MutableDataset<Label> classification(double[][] x) {
    var data = new MutableDataset<Label>(new SimpleDataSourceProvenance("synthetic", new LabelFactory()),
        new LabelFactory());
    for (double[] row : x) {
      String label = row[0] > 0.5 ? "gold" : row[1] > 0 ? "silver" : "bronze";
      data.add(new ArrayExample<>(new Label(label), FEATURES, row));
    }
    return data;
  }

  /** y = 3 tenure - 2 calls + 0.5 spend + 1. */
  static MutableDataset<Regressor> regression(double[][] x) {
    var data = new MutableDataset<Regressor>(new SimpleDataSourceProvenance("synthetic", new RegressionFactory()),
        new RegressionFactory());
    for (double[] row : x) {
      data.add(new ArrayExample<>(new Regressor("y", 3 * row[0] - 2 * row[1] + 0.5 * row[2] + 1), FEATURES, row));
    }
    return data;
  }

  /** Feature names in the order of the model's feature ids, which is the ONNX input column order. */
  static List<String> featureOrder(org.tribuo.Model<?> model) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < model.getFeatureIDMap().size(); i++) {
      names.add(model.getFeatureIDMap().get(i).getName());
    }
    return names;
  }

  /** Rows reordered into the model's feature order. */
  static float[][] inModelOrder(double[][] x, List<String> order) {
    float[][] out = new float[x.length][order.size()];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < order.size(); j++) {
        out[i][j] = (float) x[i][List.of(FEATURES).indexOf(order.get(j))];
      }
    }
    return out;
  }
}
