package dev.cairn.ml.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.core.CairnException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The result of evaluating a model on a set of rows: overall metrics, per-class figures and confusion matrix (for
 * classification), the slice table, and permutation importance. Serialises to JSON with {@link #toJson()} and
 * back with {@link #fromJson(String)} to an equal record (doubles survive exactly).
 *
 * @param task {@code classification} or {@code regression}
 * @param rows number of evaluated rows
 * @param labels class labels in matrix order; empty for regression
 * @param metrics overall metric values by {@link Metric#key()}; undefined metrics are absent
 * @param perClass precision/recall/F1/support per label; empty for regression
 * @param confusionMatrix null for regression
 * @param slices metrics per slice and gaps
 * @param importance permutation importance per feature; empty when not measured
 */
public record Evaluation(String task, long rows, List<String> labels, Map<String, Double> metrics,
    List<ClassMetrics> perClass, ConfusionMatrix confusionMatrix, SliceReport slices,
    List<FeatureImportance> importance) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer writers may add fields
      .build();

  public Evaluation {
    if (!"classification".equals(task) && !"regression".equals(task)) {
      throw CairnException.invalid("evaluation task '" + task + "' must be classification or regression");
    }
    if (rows < 0) {
      throw CairnException.invalid("evaluation row count " + rows + " is negative");
    }
    labels = List.copyOf(labels == null ? List.of() : labels);
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics == null ? Map.of() : metrics));
    perClass = List.copyOf(perClass == null ? List.of() : perClass);
    slices = Objects.requireNonNullElse(slices, SliceReport.none());
    importance = List.copyOf(importance == null ? List.of() : importance);
    if (confusionMatrix != null && !confusionMatrix.labels().equals(labels)) {
      throw CairnException.invalid("confusion matrix labels " + confusionMatrix.labels() + " differ from the "
          + "evaluation's labels " + labels);
    }
    for (var e : metrics.entrySet()) {
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw CairnException.invalid("metric '" + e.getKey() + "' is " + e.getValue() + "; values must be finite");
      }
    }
  }

  /** The evaluation with the given permutation importance. */
  public Evaluation withImportance(List<FeatureImportance> importance) {
    return new Evaluation(task, rows, labels, metrics, perClass, confusionMatrix, slices, importance);
  }

  /** Value of a metric, or null when it was not computed (undefined on these rows or another task). */
  public Double metric(String key) {
    return metrics.get(key);
  }

  /** Pretty-printed JSON with snake_case keys and sorted metric names. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new CairnException(dev.cairn.core.ErrorCode.INTERNAL_ERROR, "evaluation cannot be written as JSON", e);
    }
  }

  /** Reads what {@link #toJson()} wrote. */
  public static Evaluation fromJson(String json) {
    try {
      return JSON.readValue(json, Evaluation.class);
    } catch (JsonProcessingException e) {
      throw CairnException.invalid("evaluation JSON is invalid at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    }
  }
}
