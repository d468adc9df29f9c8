package dev.cairn.ml.train;

import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.frame.StringColumn;
import dev.cairn.ml.transform.FeatureMatrix;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Prints training time through Cairn's API (features to {@link ModelTrainer#train}, including example building and
 * the provenance fix) against calling Tribuo directly with the same trainer on the same feature values, for the
 * coordinator's benchmark table. Not a test: run it with
 * {@code java -cp <test classpath> dev.cairn.ml.train.TrainingOverheadProbe [rows] [algorithm] [repeats]}.
 */
public final class TrainingOverheadProbe {
  private TrainingOverheadProbe() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String algorithm = args.length > 1 ? args[1] : "logistic_regression";
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    java.util.logging.LogManager.getLogManager().reset(); // Tribuo's INFO lines would be timed too

    Frame frame = syntheticFrame(rows, 1);
    FeatureSpec features = FeatureSpec.auto(frame.schema(), Set.of("label"));
    FeatureMatrix x = null;
    double[] transform = new double[repeats + 2];
    for (int i = 0; i < transform.length; i++) { // the first two runs warm the JIT
      long t0 = System.nanoTime();
      FittedFeatures fitted = features.fit(frame);
      x = fitted.apply(frame);
      transform[i] = (System.nanoTime() - t0) / 1e6;
    }
    double transformMs = median(Arrays.copyOfRange(transform, 2, transform.length));
    String[] labels = frame.strings("label");
    TrainerSpec spec = TrainerSpec.of(Task.CLASSIFICATION, algorithm, Map.of());

    double[] cairn = new double[repeats];
    double[] direct = new double[repeats];
    for (int warm = 0; warm < 2; warm++) { // JIT warm-up of both paths
      new ModelTrainer(spec).trainClassifier(x, labels, "label");
      trainDirect(spec, x, labels);
    }
    for (int i = 0; i < repeats; i++) { // interleaved so machine noise hits both alike
      long a = System.nanoTime();
      trainDirect(spec, x, labels);
      direct[i] = (System.nanoTime() - a) / 1e6;
      long b = System.nanoTime();
      new ModelTrainer(spec).trainClassifier(x, labels, "label");
      cairn[i] = (System.nanoTime() - b) / 1e6;
    }
    double cairnMedian = median(cairn);
    double directMedian = median(direct);
    System.out.printf("rows=%d features=%d algorithm=%s repeats=%d%n", rows, x.featureCount(), algorithm, repeats);
    System.out.printf("tribuo direct (dataset + train): median %.1f ms  %s%n", directMedian, Arrays.toString(round(direct)));
    System.out.printf("cairn ModelTrainer.train:        median %.1f ms  %s%n", cairnMedian, Arrays.toString(round(cairn)));
    System.out.printf("ratio cairn/direct: %.3f (target <= 1.1)%n", cairnMedian / directMedian);
    System.out.printf("feature transforms (fit + apply): median %.1f ms; ratio including them: %.3f%n", transformMs,
        (cairnMedian + transformMs) / directMedian);
  }

  private static void trainDirect(TrainerSpec spec, FeatureMatrix x, String[] labels) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("direct", factory), factory);
    String[] names = x.names().toArray(String[]::new);
    List<ArrayExample<Label>> examples = new ArrayList<>(x.rowCount());
    for (int i = 0; i < x.rowCount(); i++) {
      examples.add(new ArrayExample<>(new Label(labels[i]), names, x.rows()[i]));
    }
    data.addAll(examples);
    Trainer<Label> trainer = TribuoTrainers.classification(spec);
    trainer.train(data);
  }

  static Frame syntheticFrame(int rows, long seed) {
    Random r = new Random(seed);
    int numeric = 6;
    List<dev.cairn.ml.frame.Column> columns = new ArrayList<>();
    double[][] values = new double[numeric][rows];
    String[] plan = new String[rows];
    String[] region = new String[rows];
    String[] label = new String[rows];
    String[] plans = {"basic", "plus", "pro"};
    String[] regions = {"n", "e", "s", "w", "c"};
    for (int i = 0; i < rows; i++) {
      double score = 0;
      for (int j = 0; j < numeric; j++) {
        values[j][i] = r.nextInt(50) == 0 ? Double.NaN : r.nextGaussian() * (j + 1);
        score += Double.isNaN(values[j][i]) ? 0 : values[j][i] / (j + 1) * (j % 2 == 0 ? 1 : -1);
      }
      plan[i] = plans[r.nextInt(3)];
      region[i] = regions[r.nextInt(5)];
      label[i] = score + (plan[i].equals("basic") ? 0.7 : 0) + r.nextGaussian() > 0 ? "yes" : "no";
    }
    for (int j = 0; j < numeric; j++) {
      columns.add(new NumericColumn("x" + j, values[j]));
    }
    columns.add(new StringColumn("plan", plan));
    columns.add(new StringColumn("region", region));
    columns.add(new StringColumn("label", label));
    return new Frame(columns);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double[] round(double[] values) {
    return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
  }
}
