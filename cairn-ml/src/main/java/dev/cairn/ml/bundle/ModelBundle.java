package dev.cairn.ml.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.TrainedModel;
import dev.cairn.ml.train.TrainerSpec;
import dev.cairn.ml.transform.FittedColumn;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.ml.transform.FittedTransform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The deployable unit of a model Cairn trained (runtime {@code tribuo}): fitted feature transforms, a trained model,
 * input and output schemas, reference statistics, metrics and provenance. On disk a directory holding
 * {@code bundle.json} and the model file. Its id is the SHA-256 of its canonical content, so training twice from the
 * same inputs and seed gives the same id; loading checks it.
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.builder(fitted, model, "churned").trainer(spec)
 *     .referenceStatistics(profileJson).metrics(Map.of("accuracy", 0.91)).provenance(provenance).build();
 * bundle.write(dir);
 * Predictions p = ModelBundle.load(dir).predict(List.of(Map.of("age", 41, "plan", "basic")));
 * }</pre>
 */
public final class ModelBundle implements Bundle {
  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** The manifest's file name inside a bundle directory. */
  public static final String MANIFEST_FILE = "bundle.json";
  /** The model file's name for the Tribuo runtime. */
  public static final String TRIBUO_MODEL_FILE = "model.tribuo";
  /** The runtime id of Tribuo models. */
  public static final String TRIBUO_RUNTIME = "tribuo";

  private final BundleManifest manifest;
  private final byte[] modelBytes;
  private final TrainedModel model;

  private ModelBundle(BundleManifest manifest, byte[] modelBytes, TrainedModel model) {
    this.manifest = manifest;
    this.modelBytes = modelBytes;
    this.model = model;
  }

  /** Starts a bundle of {@code features} and {@code model}, which predicts column {@code target}. */
  public static Builder builder(FittedFeatures features, TrainedModel model, String target) {
    return new Builder(features, model, target);
  }

  /** The bundle id: SHA-256 (hex) of the canonical manifest without its id, a newline, and the model file's bytes. */
  @Override
  public String id() {
    return manifest.bundleId();
  }

  @Override
  public BundleManifest manifest() {
    return manifest;
  }

  public TrainedModel model() {
    return model;
  }

  /** A copy of the model file's bytes. */
  @Override
  public byte[] modelBytes() {
    return modelBytes.clone();
  }

  /**
   * Predicts rows given as maps of input column to value (numbers for numeric columns, strings for categorical
   * ones; a missing key is a missing value) in one call: the bundle's transforms, then its model.
   */
  @Override
  public Predictions predict(List<? extends Map<String, ?>> rows) {
    Map<String, ColumnType> schema = manifest.features().inputSchema();
    Frame frame = Frame.fromRows(rows, schema);
    return model.predict(manifest.features().apply(frame));
  }

  /** Predicts every row of {@code frame}, which must hold the bundle's input columns. */
  public Predictions predict(Frame frame) {
    return model.predict(manifest.features().apply(frame));
  }

  /**
   * Writes the bundle to directory {@code dir} atomically: files go to a temporary sibling directory that is then
   * renamed. An existing bundle with the same id is left as it is; anything else already at {@code dir} is an error.
   */
  @Override
  public Path write(Path dir) {
    return BundleFiles.write(this, dir);
  }

  /** Loads the bundle in {@code dir}, refusing it when its content does not hash to its recorded id. */
  public static ModelBundle load(Path dir) {
    return load(dir, null);
  }

  /**
   * Loads the Tribuo bundle in {@code dir} and checks that its id is {@code expectedId} (when not null). A bundle of
   * another runtime is refused; {@link Bundles#load(Path, String)} loads any runtime.
   */
  public static ModelBundle load(Path dir, String expectedId) {
    BundleFiles.Verified read = BundleFiles.read(dir, expectedId);
    BundleManifest manifest = read.manifest();
    if (!TRIBUO_RUNTIME.equals(manifest.model().runtime())) {
      throw CairnException.invalid("bundle '" + dir + "' needs runtime '" + manifest.model().runtime()
          + "'; this loader runs '" + TRIBUO_RUNTIME + "' models (Bundles.load runs every runtime)");
    }
    TrainedModel model = TrainedModel.fromBytes(read.modelBytes(), manifest.features().featureNames());
    return new ModelBundle(manifest, read.modelBytes(), model);
  }

  /** Collects a bundle's parts; {@link #build()} serialises the model and computes the id. */
  public static final class Builder {
    private final FittedFeatures features;
    private final TrainedModel model;
    private final String target;
    private TrainerSpec trainer;
    private JsonNode referenceStatistics;
    private Map<String, Object> metrics = Map.of();
    private Map<String, Object> provenance = Map.of();
    private java.util.Set<String> personal = java.util.Set.of();

    private Builder(FittedFeatures features, TrainedModel model, String target) {
      if (features == null || model == null) {
        throw CairnException.invalid("a bundle needs fitted features and a trained model");
      }
      if (!features.featureNames().equals(model.featureNames())) {
        throw CairnException.invalid("the model was trained on other features than these transforms produce");
      }
      this.features = features;
      this.model = model;
      this.target = target;
    }

    /** The trainer spec (algorithm and parameters) that made the model, recorded in {@code model.params}. */
    public Builder trainer(TrainerSpec spec) {
      this.trainer = spec;
      return this;
    }

    /** Statistics of the training data (e.g. a datasets profile), any JSON-serialisable value; null for none. */
    public Builder referenceStatistics(Object statistics) {
      this.referenceStatistics = statistics == null ? null : Json.MAPPER.valueToTree(statistics);
      return this;
    }

    public Builder metrics(Map<String, ?> metrics) {
      this.metrics = Map.copyOf(metrics);
      return this;
    }

    /** What made the bundle: dataset versions and hashes, pipeline run, cache keys, git commit, config, versions. */
    public Builder provenance(Map<String, ?> provenance) {
      this.provenance = Map.copyOf(provenance);
      return this;
    }

    /**
     * Input columns that identify a person (e.g. an e-mail address used as a category), flagged in the input schema
     * so the prediction log hashes or drops them; each must be one of the transforms' input columns.
     */
    public Builder personal(java.util.Collection<String> columns) {
      java.util.Set<String> known = new java.util.TreeSet<>();
      features.columns().forEach(c -> known.add(c.column()));
      for (String column : columns) {
        if (!known.contains(column)) {
          throw CairnException.invalid("personal field '" + column + "' is not an input column of the model; its"
              + " input columns are " + known);
        }
      }
      this.personal = java.util.Set.copyOf(columns);
      return this;
    }

    public ModelBundle build() {
      byte[] bytes = model.toBytes();
      List<InputField> inputs = new ArrayList<>();
      for (FittedColumn c : features.columns()) {
        List<String> allowed = null;
        if (!c.steps().isEmpty() && c.steps().get(c.steps().size() - 1) instanceof FittedTransform.OneHot oneHot) {
          allowed = oneHot.categories();
        }
        inputs.add(new InputField(c.column(), c.type(), allowed, personal.contains(c.column())));
      }
      OutputSchema output = new OutputSchema(target, model.task(), model.classes(), model.hasProbabilities());
      ModelFile file = new ModelFile(TRIBUO_RUNTIME, TRIBUO_MODEL_FILE, Hashing.sha256Hex(bytes),
          trainer == null ? null : trainer.algorithm().id(), trainer == null ? Map.of() : trainer.params(),
          model.tribuoModel().getClass().getName());
      // metrics and provenance pass through JSON so the manifest holds the same values a reload would give
      BundleManifest manifest = new BundleManifest(FORMAT_VERSION, null, inputs, output, features, null, file,
          referenceStatistics, BundleFiles.jsonMap(metrics), BundleFiles.jsonMap(provenance));
      String id = BundleFiles.bundleId(manifest, bytes);
      return new ModelBundle(manifest.withBundleId(id), bytes, model);
    }
  }
}
