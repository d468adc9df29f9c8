package dev.cairn.serving.runtime;

import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.transform.FittedColumn;
import dev.cairn.ml.transform.FittedTransform;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The checks a row passes before the model sees it, derived once from a bundle's input schema and fitted
 * transforms: every declared column present, numbers where numbers are declared, categories the one-hot encoding
 * knows, and missing values only where the transforms fill them in.
 */
final class InputCheck {
  private final List<Field> fields;

  /** One column's rule. */
  private record Field(String name, ColumnType type, Set<String> allowed, boolean missingAllowed) {}

  private InputCheck(List<Field> fields) {
    this.fields = fields;
  }

  static InputCheck of(BundleManifest manifest, boolean rejectUnknownCategories) {
    Map<String, FittedColumn> fitted = new HashMap<>();
    if (manifest.features() != null) {
      for (FittedColumn c : manifest.features().columns()) {
        fitted.put(c.column(), c);
      }
    }
    boolean tribuo = ModelBundle.TRIBUO_RUNTIME.equals(manifest.model().runtime());
    List<Field> fields = manifest.inputSchema().stream().map(f -> {
      FittedColumn c = fitted.get(f.name());
      // Tribuo transforms fill a missing value when they impute; a bucketised number without a value falls in no
      // bucket and a missing category is all zeros, as in training. ONNX bundles encode no missing values at all.
      boolean missingAllowed = tribuo && c != null && (f.type() == ColumnType.CATEGORICAL
          || c.steps().stream().anyMatch(s -> s instanceof FittedTransform.Impute || s instanceof FittedTransform.Bucketise));
      Set<String> allowed = rejectUnknownCategories && f.allowedValues() != null ? new HashSet<>(f.allowedValues()) : null;
      if (allowed != null && c != null && c.steps().get(0) instanceof FittedTransform.Impute impute
          && impute.category() != null) {
        allowed.add(impute.category());
      }
      return new Field(f.name(), f.type(), allowed, missingAllowed);
    }).toList();
    return new InputCheck(fields);
  }

  /**
   * Checks every row, naming the first problem's row with {@code rowName} (e.g. "row 3" or "line 5") and its
   * column. Text in a categorical column may also come as a boolean or an integral number, as the transforms accept.
   */
  void check(List<? extends Map<String, ?>> rows, IntFunction<String> rowName) {
    for (int i = 0; i < rows.size(); i++) {
      Map<String, ?> row = rows.get(i);
      if (row == null) {
        throw CairnException.invalid(rowName.apply(i) + " is null; each row is an object of column values");
      }
      for (Field f : fields) {
        Object v = row.get(f.name);
        if (v == null && !row.containsKey(f.name)) {
          throw CairnException.invalid(rowName.apply(i) + " has no column '" + f.name + "'; the model takes "
              + names());
        }
        if (v == null || (v instanceof Double d && d.isNaN()) || (v instanceof Float x && x.isNaN())) {
          if (!f.missingAllowed) {
            throw CairnException.invalid(rowName.apply(i) + " column '" + f.name + "' is missing (" + v
                + "); this model's transforms do not fill in missing values of '" + f.name + "'");
          }
          if (v != null && f.type == ColumnType.CATEGORICAL) {
            throw CairnException.invalid(rowName.apply(i) + " column '" + f.name + "' must be text (a category), got "
                + "a number NaN");
          }
          continue;
        }
        if (f.type == ColumnType.NUMERIC) {
          if (!(v instanceof Number n)) {
            throw CairnException.invalid(rowName.apply(i) + " column '" + f.name + "' must be a number, got "
                + describe(v));
          }
          if (Double.isInfinite(n.doubleValue())) {
            throw CairnException.invalid(rowName.apply(i) + " column '" + f.name + "' is " + n
                + "; it must be a finite number");
          }
        } else {
          String text;
          if (v instanceof String s) {
            text = s;
          } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short) {
            text = v.toString();
          } else {
            throw CairnException.invalid(rowName.apply(i) + " column '" + f.name + "' must be text (a category), got "
                + describe(v));
          }
          if (f.allowed != null && !f.allowed.contains(text)) {
            throw CairnException.invalid(rowName.apply(i) + " column '" + f.name + "' has category '" + abbreviate(text)
                + "', which the model did not see in training; known categories: " + known(f.allowed));
          }
        }
      }
    }
  }

  private String names() {
    return fields.stream().map(Field::name).toList().toString();
  }

  private static String known(Set<String> allowed) {
    List<String> sorted = allowed.stream().sorted().toList();
    return sorted.size() <= 20 ? String.join(", ", sorted) : String.join(", ", sorted.subList(0, 20)) + ", ... ("
        + sorted.size() + " in all)";
  }

  static String describe(Object v) {
    String kind = v instanceof String ? "text" : v instanceof Boolean ? "a boolean" : v instanceof Number ? "a number"
        : v instanceof List || v.getClass().isArray() ? "a list" : v instanceof Map ? "an object"
        : v.getClass().getSimpleName();
    return kind + " '" + abbreviate(String.valueOf(v)) + "'";
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
