package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.eval.ClassificationPredictions;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.ml.eval.Evaluator;
import dev.cairn.ml.eval.FeatureImportance;
import dev.cairn.ml.eval.Metric;
import dev.cairn.ml.eval.ModelOutput;
import dev.cairn.ml.eval.PermutationImportance;
import dev.cairn.ml.eval.Predictor;
import dev.cairn.ml.eval.RegressionPredictions;
import dev.cairn.ml.eval.SliceColumn;
import dev.cairn.ml.frame.Column;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.train.TrainedModel;
import dev.cairn.ml.transform.FeatureMatrix;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Built-in step {@code evaluate}: the bundle (input {@code model}) on held-out rows (input {@code test}). Outputs the
 * evaluation ({@code evaluation}, JSON): classification accuracy, precision, recall, F1, ROC AUC, log loss and the
 * confusion matrix, or regression RMSE, MAE and R2; the same metrics per value of each {@code slices} column
 * (comma-separated) with the gap between the best and worst slice; and, with {@code importance} on, permutation
 * feature importance ({@code importance_repeats} shuffles per feature, seeded by {@code seed}) on
 * {@code importance_metric}. The metrics are also logged to the step's run and to the pipeline's run.
 */
public final class EvaluateModel implements Step {
  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("model", "bundle")
        .input("test", "table")
        .output("evaluation", "evaluation")
        .param("slices", ParamType.STRING, "")
        .param("min_slice_size", ParamType.INTEGER, 20L)
        .param("importance", ParamType.BOOLEAN, true)
        .param("importance_metric", ParamType.STRING, "")
        .param("importance_repeats", ParamType.INTEGER, 3L)
        .param("seed", ParamType.INTEGER, 42L)
        .version("1")
        .build();
  }

  @Override
  public void run(StepContext context) throws Exception {
    Path dir = context.workDir().resolve("bundle");
    Archives.unzip(context.inputFile("model"), dir);
    ModelBundle bundle = ModelBundle.load(dir);
    String label = bundle.manifest().outputSchema().name();
    Task task = bundle.manifest().outputSchema().task();
    Frame test = Tables.withLabel(Tables.csv(context, "test"), label, task);
    Predictions predicted = bundle.predict(test);
    Column truth = test.column(label);
    dev.cairn.ml.eval.Predictions joined;
    if (task == Task.CLASSIFICATION) {
      joined = new ClassificationPredictions(predicted.classes(), labels(truth), predicted.labels(),
          predicted.probabilities());
    } else {
      joined = new RegressionPredictions(((NumericColumn) truth).values(), predicted.values());
    }
    List<SliceColumn> slices = new ArrayList<>();
    for (String column : FitTransforms.names(context.stringParam("slices"))) {
      if (!test.columnNames().contains(column)) {
        throw CairnException.invalid("slice column '" + column + "' is not in the test table; its columns: "
            + String.join(", ", test.columnNames()));
      }
      slices.add(new SliceColumn(column, labels(test.column(column))));
    }
    Evaluation evaluation = Evaluator.evaluate(joined, slices, (int) context.integerParam("min_slice_size"));
    if (context.booleanParam("importance")) {
      evaluation = evaluation.withImportance(importance(context, bundle, test, joined, task));
    }
    context.writeOutput("evaluation", evaluation.toJson());
    List<dev.cairn.tracking.Metric> metrics = new ArrayList<>();
    long now = System.currentTimeMillis();
    evaluation.metrics().forEach((k, v) -> metrics.add(new dev.cairn.tracking.Metric(k, v, now, 0)));
    context.tracking().logBatch(context.stepRunId(), metrics, List.of(), List.of());
    context.tracking().logBatch(context.pipelineRunId(), metrics, List.of(), List.of());
    context.log(test.rowCount() + " rows: " + evaluation.metrics());
  }

  private static List<FeatureImportance> importance(StepContext context, ModelBundle bundle, Frame test,
      dev.cairn.ml.eval.Predictions joined, Task task) {
    FeatureMatrix matrix = bundle.manifest().features().apply(test);
    TrainedModel model = bundle.model();
    Predictor predictor = features -> {
      Predictions p = model.predict(new FeatureMatrix(matrix.names(), features, Map.of()));
      return task == Task.CLASSIFICATION ? new ModelOutput.Classes(p.classes(), p.labels(), p.probabilities())
          : new ModelOutput.Values(p.values());
    };
    String metricName = context.stringParam("importance_metric");
    Metric metric = metricName.isEmpty() ? (task == Task.CLASSIFICATION
        ? (((ClassificationPredictions) joined).probabilities() != null ? Metric.byKey("roc_auc")
            : Metric.byKey("accuracy"))
        : Metric.byKey("rmse")) : Metric.byKey(metricName);
    int repeats = (int) context.integerParam("importance_repeats");
    long seed = context.integerParam("seed");
    return task == Task.CLASSIFICATION
        ? PermutationImportance.forClassifier(matrix.rows(), matrix.names(), predictor,
            ((ClassificationPredictions) joined).actual(), metric, repeats, seed)
        : PermutationImportance.forRegressor(matrix.rows(), matrix.names(), predictor,
            ((RegressionPredictions) joined).actual(), metric, repeats, seed);
  }

  /** A column's values as text (numbers as the label text a classifier learnt: 1 not 1.0). */
  static String[] labels(Column column) {
    if (column instanceof NumericColumn n) {
      String[] out = new String[n.values().length];
      for (int i = 0; i < out.length; i++) {
        double v = n.values()[i];
        out[i] = Double.isNaN(v) ? null : v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
            : Double.toString(v);
      }
      return out;
    }
    return ((dev.cairn.ml.frame.StringColumn) column).values();
  }
}
