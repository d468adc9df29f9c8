package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The named metrics an evaluation holds and a gate can check. {@link #key()} is the name used in JSON, gate
 * expressions and docs; {@link #higherIsBetter()} tells slices and importance which way is worse.
 */
public enum Metric {
  ACCURACY("accuracy", true, "classification", p -> ClassificationMetrics.accuracy(cls(p))),
  PRECISION_MACRO("precision_macro", true, "classification",
      p -> ClassificationMetrics.macro(cls(p), ClassificationMetrics.Figure.PRECISION)),
  RECALL_MACRO("recall_macro", true, "classification",
      p -> ClassificationMetrics.macro(cls(p), ClassificationMetrics.Figure.RECALL)),
  F1_MACRO("f1_macro", true, "classification",
      p -> ClassificationMetrics.macro(cls(p), ClassificationMetrics.Figure.F1)),
  PRECISION_WEIGHTED("precision_weighted", true, "classification",
      p -> ClassificationMetrics.weighted(cls(p), ClassificationMetrics.Figure.PRECISION)),
  RECALL_WEIGHTED("recall_weighted", true, "classification",
      p -> ClassificationMetrics.weighted(cls(p), ClassificationMetrics.Figure.RECALL)),
  F1_WEIGHTED("f1_weighted", true, "classification",
      p -> ClassificationMetrics.weighted(cls(p), ClassificationMetrics.Figure.F1)),
  ROC_AUC("roc_auc", true, "classification", p -> ClassificationMetrics.rocAuc(cls(p))),
  LOG_LOSS("log_loss", false, "classification", p -> ClassificationMetrics.logLoss(cls(p))),
  RMSE("rmse", false, "regression", p -> RegressionMetrics.rmse(reg(p))),
  MAE("mae", false, "regression", p -> RegressionMetrics.mae(reg(p))),
  R2("r2", true, "regression", p -> RegressionMetrics.r2(reg(p)));

  private final String key;
  private final boolean higherIsBetter;
  private final String task;
  private final Function<Predictions, OptionalDouble> compute;

  Metric(String key, boolean higherIsBetter, String task, Function<Predictions, OptionalDouble> compute) {
    this.key = key;
    this.higherIsBetter = higherIsBetter;
    this.task = task;
    this.compute = compute;
  }

  public String key() {
    return key;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** {@code classification} or {@code regression}. */
  public String task() {
    return task;
  }

  /** The metric on {@code predictions}; empty where undefined (see each metric's definition). */
  public OptionalDouble compute(Predictions predictions) {
    if (!predictions.task().equals(task)) {
      throw CairnException.invalid("metric '" + key + "' is a " + task + " metric; the predictions are a "
          + predictions.task());
    }
    return compute.apply(predictions);
  }

  /** The metrics of one task, in declaration order. */
  public static List<Metric> forTask(String task) {
    return Arrays.stream(values()).filter(m -> m.task.equals(task)).toList();
  }

  /** Every defined metric of the predictions' task, by key. */
  public static Map<String, Double> computeAll(Predictions predictions) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Metric m : forTask(predictions.task())) {
      OptionalDouble v = m.compute(predictions);
      if (v.isPresent()) {
        out.put(m.key, v.getAsDouble());
      }
    }
    return out;
  }

  /** The metric named {@code key}; the error lists the known names. */
  public static Metric byKey(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw CairnException.invalid("unknown metric '" + key + "'; available: " + keys());
  }

  /** All metric keys, comma separated, for error messages. */
  public static String keys() {
    return Arrays.stream(values()).map(Metric::key).collect(Collectors.joining(", "));
  }

  private static ClassificationPredictions cls(Predictions p) {
    return (ClassificationPredictions) p;
  }

  private static RegressionPredictions reg(Predictions p) {
    return (RegressionPredictions) p;
  }
}
