package dev.cairn.ml.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.Frame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which input columns become features and through which transforms: the unfitted half of feature engineering.
 * {@link #fit(Frame)} learns the transforms' parameters from the training frame only.
 *
 * <pre>{@code
 * FeatureSpec spec = FeatureSpec.fromJson("""
 *     {"columns": [{"column": "age", "steps": [{"op": "impute", "strategy": "median"}, {"op": "standardise"}]},
 *                  {"column": "plan", "steps": [{"op": "one_hot", "unknown": "error"}]}]}""");
 * FittedFeatures fitted = spec.fit(train);
 * FeatureMatrix x = fitted.apply(test);
 * }</pre>
 *
 * @param columns one chain per input column, in feature order
 */
public record FeatureSpec(List<ColumnSpec> columns) {
  public FeatureSpec {
    columns = List.copyOf(columns == null ? List.of() : columns);
    if (columns.isEmpty()) {
      throw CairnException.invalid("feature spec 'columns' is empty; name at least one input column");
    }
    Set<String> seen = new HashSet<>();
    for (ColumnSpec c : columns) {
      if (!seen.add(c.column())) {
        throw CairnException.invalid("feature spec names column '" + c.column() + "' twice");
      }
    }
  }

  /**
   * A default spec for every column of {@code schema} except {@code exclude} (e.g. the label): numeric columns are
   * mean-imputed and standardised, categorical ones imputed with their most frequent value and one-hot encoded
   * (unknown categories as zeros).
   */
  public static FeatureSpec auto(Map<String, ColumnType> schema, Collection<String> exclude) {
    List<ColumnSpec> columns = new ArrayList<>();
    for (Map.Entry<String, ColumnType> e : schema.entrySet()) {
      if (exclude.contains(e.getKey())) {
        continue;
      }
      columns.add(e.getValue() == ColumnType.NUMERIC
          ? ColumnSpec.of(e.getKey(), TransformSpec.Impute.of(ImputeStrategy.MEAN), new TransformSpec.Standardise())
          : ColumnSpec.of(e.getKey(), TransformSpec.Impute.of(ImputeStrategy.MOST_FREQUENT),
              new TransformSpec.OneHot(UnknownCategory.ZEROS)));
    }
    return new FeatureSpec(columns);
  }

  /** Parses a spec from JSON text; errors name the problem. */
  public static FeatureSpec fromJson(String json) {
    try {
      return Json.MAPPER.readValue(json, FeatureSpec.class);
    } catch (JsonProcessingException e) {
      throw invalidSpec(e);
    }
  }

  /** Converts an already parsed value (e.g. a map read from pipeline YAML parameters) into a spec. */
  public static FeatureSpec fromValue(Object value) {
    try {
      return Json.MAPPER.convertValue(value, FeatureSpec.class);
    } catch (IllegalArgumentException e) {
      throw invalidSpec(e);
    }
  }

  private static CairnException invalidSpec(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CairnException c) {
        return c;
      }
    }
    String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return CairnException.invalid("feature spec is not valid: " + message);
  }

  /** The input columns this spec reads, in order. */
  public List<String> inputColumns() {
    return columns.stream().map(ColumnSpec::column).toList();
  }

  /** Learns every transform's parameters from {@code train}. */
  public FittedFeatures fit(Frame train) {
    List<FittedColumn> fitted = new ArrayList<>(columns.size());
    for (ColumnSpec c : columns) {
      fitted.add(Fitting.fit(c, train.column(c.column())));
    }
    return new FittedFeatures(fitted);
  }
}
