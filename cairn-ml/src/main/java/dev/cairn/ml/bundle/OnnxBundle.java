package dev.cairn.ml.bundle;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.ml.eval.ModelOutput;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.onnx.OnnxModel;
import dev.cairn.ml.onnx.OnnxSchema;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle of an imported ONNX model, run by ONNX Runtime: {@code bundle.json} (runtime {@code onnx}, the model's
 * {@code schema.yaml} as {@code onnx_schema}, input and output schemas derived from it) and {@code model.onnx}. Named
 * and verified as every bundle is (SHA-256 of the canonical manifest and the model bytes); rows are encoded by the
 * schema (numbers as they are, categories one-hot or as their index) and fed to the model in one call.
 *
 * <pre>{@code
 * OnnxBundle bundle = OnnxBundle.fromFiles(Path.of("model.onnx"), Path.of("schema.yaml")).build(); // checks the fit
 * bundle.write(Path.of("bundles/churn-onnx"));
 * Predictions p = bundle.predict(List.of(Map.of("tenure", 3, "plan", "basic")));
 * }</pre>
 *
 * <p>Thread-safe; close it to free the native session.
 */
public final class OnnxBundle implements Bundle {
  /** The runtime id of ONNX models. */
  public static final String ONNX_RUNTIME = "onnx";
  /** The model file's name for the ONNX runtime. */
  public static final String ONNX_MODEL_FILE = "model.onnx";
  /** The output schema's name when the caller gives none (an imported model's target has no column name). */
  public static final String DEFAULT_OUTPUT_NAME = "prediction";

  private final BundleManifest manifest;
  private final byte[] modelBytes;
  private final OnnxModel model;

  private OnnxBundle(BundleManifest manifest, byte[] modelBytes, OnnxModel model) {
    this.manifest = manifest;
    this.modelBytes = modelBytes;
    this.model = model;
  }

  /** Starts a bundle of an ONNX model's bytes and the schema that says how to feed it and read its output. */
  public static Builder builder(byte[] modelBytes, OnnxSchema schema) {
    return new Builder(modelBytes, schema, "the ONNX model", "its schema");
  }

  /**
   * Starts a bundle from a model file and its {@code schema.yaml}; every error names the file it is about (a missing
   * file is RESOURCE_DOES_NOT_EXIST, a schema error gives its line and key).
   */
  public static Builder fromFiles(Path modelFile, Path schemaFile) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(modelFile);
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("model file " + modelFile + " does not exist");
    } catch (IOException e) {
      throw CairnException.notFound("model file " + modelFile + " cannot be read: " + e.getMessage());
    }
    if (!Files.isRegularFile(schemaFile)) {
      throw CairnException.notFound("schema file " + schemaFile + " does not exist");
    }
    return new Builder(bytes, OnnxSchema.read(schemaFile), modelFile.toString(), schemaFile.toString());
  }

  /** Loads the ONNX bundle in {@code dir}, refusing it when its content does not hash to its recorded id. */
  public static OnnxBundle load(Path dir) {
    return load(dir, null);
  }

  /** Loads the ONNX bundle in {@code dir} and checks that its id is {@code expectedId} (when not null). */
  public static OnnxBundle load(Path dir, String expectedId) {
    BundleFiles.Verified read = BundleFiles.read(dir, expectedId);
    BundleManifest manifest = read.manifest();
    if (!ONNX_RUNTIME.equals(manifest.model().runtime())) {
      throw CairnException.invalid("bundle '" + dir + "' needs runtime '" + manifest.model().runtime()
          + "'; this loader runs '" + ONNX_RUNTIME + "' models (Bundles.load runs every runtime)");
    }
    OnnxModel model = OnnxModel.load(read.modelBytes());
    try {
      manifest.onnxSchema().check(model);
    } catch (CairnException e) {
      model.close();
      throw CairnException.invalid("bundle '" + dir + "': " + e.getMessage());
    }
    return new OnnxBundle(manifest, read.modelBytes(), model);
  }

  @Override
  public String id() {
    return manifest.bundleId();
  }

  @Override
  public BundleManifest manifest() {
    return manifest;
  }

  /** The schema rows are encoded by (the imported {@code schema.yaml}). */
  public OnnxSchema schema() {
    return manifest.onnxSchema();
  }

  /** The model, for evaluation ({@link OnnxModel#asClassifier}) or inspection. */
  public OnnxModel model() {
    return model;
  }

  @Override
  public byte[] modelBytes() {
    return modelBytes.clone();
  }

  /**
   * Predicts rows (column name to value: a number or numeric text for numeric columns, one of the allowed values for
   * categorical ones) in one call: the schema's encoding, then ONNX Runtime. A missing column or a value outside the
   * allowed list is INVALID_PARAMETER_VALUE naming the row and column. Classification carries the labels in the
   * schema's order and their probabilities.
   */
  @Override
  public Predictions predict(List<? extends Map<String, ?>> rows) {
    return predictions(schema().predict(model, rows));
  }

  private static Predictions predictions(ModelOutput output) {
    if (output instanceof ModelOutput.Classes c) {
      return new Predictions(Task.CLASSIFICATION, c.labels(), c.predicted(), c.probabilities(), null, Map.of());
    }
    return new Predictions(Task.REGRESSION, List.of(), null, null, ((ModelOutput.Values) output).values(), Map.of());
  }

  @Override
  public Path write(Path dir) {
    return BundleFiles.write(this, dir);
  }

  @Override
  public void close() {
    model.close();
  }

  /** Collects an ONNX bundle's parts; {@link #build()} checks the model against the schema and computes the id. */
  public static final class Builder {
    private final byte[] modelBytes;
    private final OnnxSchema schema;
    private final String modelLabel;
    private final String schemaLabel;
    private String outputName = DEFAULT_OUTPUT_NAME;
    private Map<String, Object> metrics = Map.of();
    private Map<String, Object> provenance = Map.of();

    private Builder(byte[] modelBytes, OnnxSchema schema, String modelLabel, String schemaLabel) {
      if (modelBytes == null || schema == null) {
        throw CairnException.invalid("an ONNX bundle needs the model's bytes and its schema");
      }
      this.modelBytes = modelBytes.clone();
      this.schema = schema;
      this.modelLabel = modelLabel;
      this.schemaLabel = schemaLabel;
    }

    /** The name of what the model predicts, in the output schema (default {@value #DEFAULT_OUTPUT_NAME}). */
    public Builder outputName(String name) {
      if (name == null || name.isBlank()) {
        throw CairnException.invalid("output name must not be blank");
      }
      this.outputName = name;
      return this;
    }

    /** Metrics known for the model (name to value or nested object). */
    public Builder metrics(Map<String, ?> metrics) {
      this.metrics = Map.copyOf(metrics);
      return this;
    }

    /** Where the model came from; keep it free of times and paths so the same files give the same id. */
    public Builder provenance(Map<String, ?> provenance) {
      this.provenance = Map.copyOf(provenance);
      return this;
    }

    /**
     * Loads the model in ONNX Runtime and checks it against the schema: the input tensor exists and takes the
     * schema's width, and one encoded row gives the declared output (as many probabilities as labels, or one value
     * per row). Any misfit is INVALID_PARAMETER_VALUE naming the model and the schema.
     */
    public OnnxBundle build() {
      OnnxModel model;
      try {
        model = OnnxModel.load(modelBytes);
      } catch (CairnException e) {
        throw CairnException.invalid(modelLabel + " is not a model ONNX Runtime can load: "
            + e.getMessage().replaceFirst("^ONNX model cannot be loaded: ", ""));
      }
      try {
        schema.check(model);
        schema.predict(model, List.of(probeRow(schema)));
      } catch (CairnException e) {
        model.close();
        throw CairnException.invalid(modelLabel + " does not fit " + schemaLabel + ": " + e.getMessage());
      }
      List<InputField> inputs = new ArrayList<>();
      for (OnnxSchema.InputColumn c : schema.inputs()) {
        boolean categorical = c.type() == OnnxSchema.ColumnType.CATEGORICAL;
        inputs.add(new InputField(c.name(), categorical ? ColumnType.CATEGORICAL : ColumnType.NUMERIC,
            categorical ? c.values() : null));
      }
      boolean classification = "classification".equals(schema.output().type());
      OutputSchema output = new OutputSchema(outputName, classification ? Task.CLASSIFICATION : Task.REGRESSION,
          schema.output().labels(), classification);
      ModelFile file = new ModelFile(ONNX_RUNTIME, ONNX_MODEL_FILE, Hashing.sha256Hex(modelBytes), null, Map.of(), null);
      BundleManifest manifest = new BundleManifest(ModelBundle.FORMAT_VERSION, null, inputs, output, null, schema,
          file, null, BundleFiles.jsonMap(metrics), BundleFiles.jsonMap(provenance));
      return new OnnxBundle(manifest.withBundleId(BundleFiles.bundleId(manifest, modelBytes)), modelBytes, model);
    }

    /** A valid row: 0 for numbers, the first allowed value for categories. */
    private static Map<String, Object> probeRow(OnnxSchema schema) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (OnnxSchema.InputColumn c : schema.inputs()) {
        row.put(c.name(), c.type() == OnnxSchema.ColumnType.NUMERIC ? (Object) 0.0 : c.values().get(0));
      }
      return row;
    }
  }
}
