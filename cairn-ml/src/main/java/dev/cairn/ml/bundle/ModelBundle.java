package dev.cairn.ml.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The deployable unit: fitted feature transforms, a trained model, input and output schemas, reference statistics,
 * metrics and provenance. On disk a directory holding {@code bundle.json} and the model file. Its id is the SHA-256
 * of its canonical content, so training twice from the same inputs and seed gives the same id; loading checks it.
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.builder(fitted, model, "churned").trainer(spec)
 *     .referenceStatistics(profileJson).metrics(Map.of("accuracy", 0.91)).provenance(provenance).build();
 * bundle.write(dir);
 * Predictions p = ModelBundle.load(dir).predict(List.of(Map.of("age", 41, "plan", "basic")));
 * }</pre>
 */
public final class ModelBundle {
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
  public String id() {
    return manifest.bundleId();
  }

  public BundleManifest manifest() {
    return manifest;
  }

  public TrainedModel model() {
    return model;
  }

  /** A copy of the model file's bytes. */
  public byte[] modelBytes() {
    return modelBytes.clone();
  }

  /**
   * Predicts rows given as maps of input column to value (numbers for numeric columns, strings for categorical
   * ones; a missing key is a missing value) in one call: the bundle's transforms, then its model.
   */
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
  public Path write(Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    try {
      if (Files.isDirectory(target) && Files.exists(target.resolve(MANIFEST_FILE))) {
        String existing = load(target).id();
        if (existing.equals(id())) {
          return target;
        }
        throw CairnException.exists("directory '" + target + "' already holds bundle " + existing + "; not "
            + "overwriting it with bundle " + id());
      }
      Files.createDirectories(target.getParent());
      Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
      Files.createDirectory(temp);
      try {
        Files.write(temp.resolve(manifest.model().file()), modelBytes);
        Files.write(temp.resolve(MANIFEST_FILE), manifestText().getBytes(StandardCharsets.UTF_8));
        move(temp, target);
      } finally {
        deleteRecursively(temp);
      }
      return target;
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot write bundle to '" + target + "': " + e, e);
    }
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      throw CairnException.exists("directory '" + target + "' already exists and is not empty; a bundle needs its own"
          + " directory");
    } catch (AtomicMoveNotSupportedException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot rename a directory atomically into '" + target
          + "' on this file system", e);
    }
  }

  private String manifestText() throws JsonProcessingException {
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
        CanonicalJson.sorted(Json.MAPPER.valueToTree(manifest))) + "\n";
  }

  /** Loads the bundle in {@code dir}, refusing it when its content does not hash to its recorded id. */
  public static ModelBundle load(Path dir) {
    return load(dir, null);
  }

  /** Loads the bundle in {@code dir} and checks that its id is {@code expectedId} (when not null). */
  public static ModelBundle load(Path dir, String expectedId) {
    JsonNode tree;
    byte[] modelBytes;
    BundleManifest manifest;
    try {
      tree = Json.MAPPER.readTree(Files.readAllBytes(dir.resolve(MANIFEST_FILE)));
      if (!(tree instanceof ObjectNode)) {
        throw CairnException.invalid("'" + dir.resolve(MANIFEST_FILE) + "' is not a JSON object");
      }
      manifest = Json.MAPPER.treeToValue(tree, BundleManifest.class);
      modelBytes = Files.readAllBytes(dir.resolve(manifest.model().file()));
    } catch (NoSuchFileException e) {
      throw CairnException.notFound("bundle '" + dir + "' has no file '" + e.getFile() + "'");
    } catch (JsonProcessingException e) {
      throw CairnException.invalid("'" + dir.resolve(MANIFEST_FILE) + "' is not a valid bundle manifest: "
          + originalMessage(e));
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot read bundle '" + dir + "': " + e, e);
    }
    String recorded = manifest.bundleId();
    String fileHash = Hashing.sha256Hex(modelBytes);
    if (!fileHash.equals(manifest.model().sha256())) {
      throw new CairnException(ErrorCode.INVALID_STATE, "bundle '" + dir + "' is damaged or was modified: model file '"
          + manifest.model().file() + "' has SHA-256 " + fileHash + " but bundle.json records " + manifest.model().sha256());
    }
    ObjectNode content = ((ObjectNode) tree).deepCopy();
    content.remove("bundle_id");
    String computed = bundleId(CanonicalJson.bytes(content), modelBytes);
    if (!computed.equals(recorded)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "bundle '" + dir + "' is damaged or was modified: its content"
          + " hashes to " + computed + " but its recorded id is " + recorded);
    }
    if (expectedId != null && !expectedId.equals(recorded)) {
      throw new CairnException(ErrorCode.INVALID_STATE, "bundle '" + dir + "' has id " + recorded + ", not the expected "
          + expectedId);
    }
    if (!TRIBUO_RUNTIME.equals(manifest.model().runtime())) {
      throw CairnException.invalid("bundle '" + dir + "' needs runtime '" + manifest.model().runtime()
          + "'; this loader runs '" + TRIBUO_RUNTIME + "' models");
    }
    TrainedModel model = TrainedModel.fromBytes(modelBytes, manifest.features().featureNames());
    return new ModelBundle(manifest, modelBytes, model);
  }

  private static String originalMessage(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CairnException c) {
        return c.getMessage();
      }
    }
    return e.getOriginalMessage();
  }

  static String bundleId(byte[] canonicalManifest, byte[] modelBytes) {
    MessageDigest md = Hashing.sha256();
    md.update(canonicalManifest);
    md.update((byte) '\n');
    md.update(modelBytes);
    return Hashing.hex(md.digest());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
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

    public ModelBundle build() {
      byte[] bytes = model.toBytes();
      List<InputField> inputs = new ArrayList<>();
      for (FittedColumn c : features.columns()) {
        List<String> allowed = null;
        if (!c.steps().isEmpty() && c.steps().get(c.steps().size() - 1) instanceof FittedTransform.OneHot oneHot) {
          allowed = oneHot.categories();
        }
        inputs.add(new InputField(c.column(), c.type(), allowed));
      }
      OutputSchema output = new OutputSchema(target, model.task(), model.classes(), model.hasProbabilities());
      ModelFile file = new ModelFile(TRIBUO_RUNTIME, TRIBUO_MODEL_FILE, Hashing.sha256Hex(bytes),
          trainer == null ? null : trainer.algorithm().id(), trainer == null ? Map.of() : trainer.params(),
          model.tribuoModel().getClass().getName());
      // metrics and provenance pass through JSON so the manifest holds the same values a reload would give
      BundleManifest manifest = new BundleManifest(FORMAT_VERSION, null, inputs, output, features, file,
          referenceStatistics, jsonMap(metrics), jsonMap(provenance));
      String id = bundleId(CanonicalJson.bytes(Json.MAPPER.valueToTree(manifest)), bytes);
      return new ModelBundle(manifest.withBundleId(id), bytes, model);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonMap(Map<String, Object> value) {
      return Json.MAPPER.convertValue(value, Map.class);
    }
  }
}
