package dev.cairn.ml.bundle;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import java.util.List;

/** Loads a bundle of any runtime, choosing the loader by the {@code model.runtime} its {@code bundle.json} records. */
public final class Bundles {
  /** The runtimes this Cairn runs. */
  public static final List<String> RUNTIMES = List.of(ModelBundle.TRIBUO_RUNTIME, OnnxBundle.ONNX_RUNTIME);

  private Bundles() {}

  /** Loads the bundle in {@code dir}, refusing it when its content does not hash to its recorded id. */
  public static Bundle load(Path dir) {
    return load(dir, null);
  }

  /**
   * Loads the bundle in {@code dir} and checks its model file hash and id, and that the id is {@code expectedId}
   * (when not null). An unknown runtime is INVALID_PARAMETER_VALUE naming the known ones.
   */
  public static Bundle load(Path dir, String expectedId) {
    String runtime = BundleFiles.runtime(dir);
    if (ModelBundle.TRIBUO_RUNTIME.equals(runtime)) {
      return ModelBundle.load(dir, expectedId);
    }
    if (OnnxBundle.ONNX_RUNTIME.equals(runtime)) {
      return OnnxBundle.load(dir, expectedId);
    }
    throw CairnException.invalid("bundle '" + dir + "' needs runtime '" + runtime + "'; this Cairn runs "
        + String.join(", ", RUNTIMES));
  }
}
