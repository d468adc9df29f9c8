package dev.cairn.serving.runtime;

import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.ml.transform.FeatureMatrix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

/**
 * A verified bundle ready to predict: rows are checked against its input schema before the model sees them (a
 * missing column, a wrong type, an unknown category or a missing value the transforms do not fill is an
 * INVALID_PARAMETER_VALUE naming the row and the column), then predicted in one batch. Thread-safe; close it to free
 * what the bundle's runtime holds.
 */
public final class LoadedModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

  private final Bundle bundle;
  private final InputCheck check;
  private final List<String> warnings;
  private final java.util.Set<String> personalFields;

  private LoadedModel(Bundle bundle, InputCheck check, List<String> warnings) {
    this.bundle = bundle;
    this.check = check;
    this.warnings = warnings;
    this.personalFields = java.util.Set.copyOf(bundle.manifest().inputSchema().stream().filter(InputField::personal)
        .map(InputField::name).toList());
  }

  static LoadedModel ready(Bundle bundle, ModelRuntime runtime) {
    BundleManifest manifest = bundle.manifest();
    List<String> warnings = List.copyOf(ModelRuntime.versionWarnings(manifest.provenance(),
        ModelRuntime.runtimeVersions()));
    for (String w : warnings) {
      LOG.warn("bundle {}: {}", bundle.id(), w);
    }
    LoadedModel model = new LoadedModel(bundle, InputCheck.of(manifest, runtime.rejectUnknownCategories()), warnings);
    model.warmUp();
    return model;
  }

  /** Runs one typical row through the model so the first request does not pay for class loading and JIT. */
  private void warmUp() {
    Map<String, Object> row = new HashMap<>();
    for (InputField f : inputSchema()) {
      row.put(f.name(), f.type() == ColumnType.NUMERIC ? (Object) 0.0
          : f.allowedValues() == null || f.allowedValues().isEmpty() ? null : f.allowedValues().get(0));
    }
    try {
      bundle.predict(List.of(row));
    } catch (RuntimeException e) {
      LOG.debug("bundle {}: warm-up row failed ({}); the model loads anyway", bundle.id(), e.getMessage());
    }
  }

  /** The bundle id (SHA-256 of its content), verified on load. */
  public String id() {
    return bundle.id();
  }

  public BundleManifest manifest() {
    return bundle.manifest();
  }

  /** The input fields the bundle marks personal, which the prediction log must not store in clear. */
  public java.util.Set<String> personalFields() {
    return personalFields;
  }

  /** The columns each row must carry, in the model's order. */
  public List<InputField> inputSchema() {
    return bundle.manifest().inputSchema();
  }

  public OutputSchema outputSchema() {
    return bundle.manifest().outputSchema();
  }

  /** Differences between the library versions the bundle was trained with and this runtime's; empty when none. */
  public List<String> warnings() {
    return warnings;
  }

  /** Checks {@code rows} against the input schema, naming problems as "row N" (from 0). */
  public void check(List<? extends Map<String, ?>> rows) {
    check.check(rows, i -> "row " + i);
  }

  /** Checks {@code rows}, naming a problem's row with {@code rowName} (e.g. a CSV line number). */
  public void check(List<? extends Map<String, ?>> rows, IntFunction<String> rowName) {
    check.check(rows, rowName);
  }

  /** Checks and predicts {@code rows} in one batch. */
  public Predictions predict(List<? extends Map<String, ?>> rows) {
    return predict(rows, i -> "row " + i);
  }

  /** Checks (naming rows with {@code rowName}) and predicts {@code rows} in one batch. */
  public Predictions predict(List<? extends Map<String, ?>> rows, IntFunction<String> rowName) {
    check.check(rows, rowName);
    return bundle.predict(rows);
  }

  /** Checks and predicts {@code rows}, with explanations when {@code explain} is true. */
  public Scored score(List<? extends Map<String, ?>> rows, boolean explain) {
    return score(rows, explain, i -> "row " + i);
  }

  /**
   * Checks and predicts {@code rows}; when {@code explain} is true also returns each row's per-feature
   * contributions, which only linear models (logistic_regression, linear_sgd) have: for others it is an
   * INVALID_PARAMETER_VALUE saying so, before anything is predicted.
   */
  public Scored score(List<? extends Map<String, ?>> rows, boolean explain, IntFunction<String> rowName) {
    if (!explain) {
      return new Scored(predict(rows, rowName), null);
    }
    AbstractLinearSGDModel<?> linear = linearModel();
    check.check(rows, rowName);
    ModelBundle tribuo = (ModelBundle) bundle;
    Frame frame = Frame.fromRows(rows, tribuo.manifest().features().inputSchema());
    FeatureMatrix features = tribuo.manifest().features().apply(frame);
    Predictions predictions = tribuo.model().predict(features);
    return new Scored(predictions, contributions(linear, features, predictions));
  }

  /** Whether {@link #score} can explain this model's predictions. */
  public boolean explainable() {
    return bundle instanceof ModelBundle b && b.model().tribuoModel() instanceof AbstractLinearSGDModel<?>;
  }

  private AbstractLinearSGDModel<?> linearModel() {
    if (bundle instanceof ModelBundle b && b.model().tribuoModel() instanceof AbstractLinearSGDModel<?> linear) {
      return linear;
    }
    String algorithm = bundle.manifest().model().algorithm();
    throw CairnException.invalid("explain: explanations are available for linear models only (logistic_regression,"
        + " linear_sgd); this model is " + (algorithm == null ? "an imported " + bundle.runtime() + " model" : algorithm));
  }

  private static Explanations contributions(AbstractLinearSGDModel<?> linear, FeatureMatrix features,
      Predictions predictions) {
    // Tribuo keeps one weight row per output and one column per feature it saw in training, the bias last
    DenseMatrix weights = linear.getWeightsCopy();
    int biasColumn = weights.getDimension2Size() - 1;
    ImmutableFeatureMap featureIds = linear.getFeatureIDMap();
    List<String> names = features.names();
    int[] column = new int[names.size()];
    for (int f = 0; f < column.length; f++) {
      column[f] = featureIds.getID(names.get(f));
    }
    int n = features.rowCount();
    double[][] contributions = new double[n][names.size()];
    double[] intercepts = new double[n];
    String[] explained = predictions.task() == Task.CLASSIFICATION ? new String[n] : null;
    Map<String, Integer> outputRow = new HashMap<>();
    for (int r = 0; r < n; r++) {
      int w = 0;
      if (explained != null) {
        String label = predictions.labels()[r];
        explained[r] = label;
        w = outputRow.computeIfAbsent(label, l -> labelRow(linear, l));
      }
      intercepts[r] = weights.get(w, biasColumn);
      for (int f = 0; f < column.length; f++) {
        // a feature never non-zero in training has no weight: it contributes nothing
        contributions[r][f] = column[f] < 0 ? 0.0 : weights.get(w, column[f]) * features.get(r, f);
      }
    }
    return new Explanations(names, explained, contributions, intercepts);
  }

  @SuppressWarnings("unchecked")
  private static int labelRow(Model<?> model, String label) {
    return ((ImmutableOutputInfo<Label>) model.getOutputIDInfo()).getID(new Label(label));
  }

  @Override
  public void close() {
    bundle.close();
  }

  @Override
  public String toString() {
    return "LoadedModel(" + bundle.id() + ", " + bundle.runtime() + ")";
  }
}
