package dev.cairn.ml.eval;

import java.util.List;

/** Builds an {@link Evaluation} from predictions and the declared slice columns. */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Evaluates all metrics of the predictions' task overall and per slice. Slices with fewer than
   * {@code minimumSliceSize} rows are reported but excluded from gaps. Importance is added separately with
   * {@link Evaluation#withImportance} and {@link PermutationImportance}.
   */
  public static Evaluation evaluate(Predictions predictions, List<SliceColumn> sliceColumns, int minimumSliceSize) {
    SliceReport slices = SliceReport.compute(predictions, sliceColumns, minimumSliceSize);
    if (predictions instanceof ClassificationPredictions c) {
      return new Evaluation(c.task(), c.size(), c.labels(), Metric.computeAll(c), ClassificationMetrics.perClass(c),
          ConfusionMatrix.of(c), slices, List.of());
    }
    return new Evaluation(predictions.task(), predictions.size(), List.of(), Metric.computeAll(predictions),
        List.of(), null, slices, List.of());
  }
}
