package dev.cairn.ml.train;

import dev.cairn.core.CairnException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's predictions for a batch of rows. Classification fills {@code labels} and, when the model gives them,
 * {@code probabilities} (one row per prediction, one column per entry of {@code classes}); regression fills
 * {@code values}.
 *
 * @param task what was predicted
 * @param classes the class labels in probability-column order (sorted); empty for regression
 * @param labels the predicted class per row; null for regression
 * @param probabilities class probabilities per row; null for regression and for models without probabilities
 *     (linear_sgd with hinge loss)
 * @param values the predicted number per row; null for classification
 * @param unknownCategories per input column, categories unseen in training that were encoded as all zeros
 */
public record Predictions(Task task, List<String> classes, String[] labels, double[][] probabilities, double[] values,
    Map<String, Set<String>> unknownCategories) {
  public Predictions {
    if (task == null) {
      throw CairnException.invalid("predictions need a task");
    }
    classes = List.copyOf(classes == null ? List.of() : classes);
    unknownCategories = unknownCategories == null ? Map.of() : Map.copyOf(unknownCategories);
    if (task == Task.CLASSIFICATION ? labels == null : values == null) {
      throw CairnException.invalid(task.id() + " predictions need " + (labels == null ? "labels" : "values"));
    }
  }

  public int size() {
    return task == Task.CLASSIFICATION ? labels.length : values.length;
  }

  /** True when {@link #probabilities()} is filled. */
  public boolean hasProbabilities() {
    return probabilities != null;
  }

  /** The probability of class {@code label} in row {@code row}; fails when the model gives none or the class is unknown. */
  public double probability(int row, String label) {
    int i = classes.indexOf(label);
    if (probabilities == null || i < 0) {
      throw CairnException.invalid("no probability for class '" + label + "'; classes are " + classes);
    }
    return probabilities[row][i];
  }

  /**
   * One map per row, for JSON responses: {@code {"label": "yes", "probabilities": {"no": 0.2, "yes": 0.8}}} for
   * classification (no {@code probabilities} when the model gives none), {@code {"value": 4.2}} for regression.
   */
  public List<Map<String, Object>> toRecords() {
    List<Map<String, Object>> records = new java.util.ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      Map<String, Object> record = new java.util.LinkedHashMap<>();
      if (task == Task.CLASSIFICATION) {
        record.put("label", labels[i]);
        if (probabilities != null) {
          Map<String, Double> byClass = new java.util.LinkedHashMap<>();
          for (int c = 0; c < classes.size(); c++) {
            byClass.put(classes.get(c), probabilities[i][c]);
          }
          record.put("probabilities", byClass);
        }
      } else {
        record.put("value", values[i]);
      }
      records.add(record);
    }
    return records;
  }
}
