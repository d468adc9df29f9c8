package dev.cairn.ml.bundle;

import dev.cairn.ml.train.Predictions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded model bundle of any runtime: what serving and batch scoring call. {@link Bundles#load(Path)} picks the
 * runtime from {@code bundle.json}; {@link ModelBundle} runs Tribuo models trained by Cairn, {@link OnnxBundle}
 * imported ONNX models. Close it when done: an ONNX bundle holds a native ONNX Runtime session.
 *
 * <pre>{@code
 * try (Bundle bundle = Bundles.load(Path.of("bundles/churn"))) {
 *   Predictions p = bundle.predict(List.of(Map.of("tenure", 3, "plan", "basic")));
 * }
 * }</pre>
 */
public interface Bundle extends AutoCloseable {
  /** The bundle id: SHA-256 (hex) of the canonical manifest without its id, a newline, and the model file's bytes. */
  String id();

  /** The content of {@code bundle.json}. */
  BundleManifest manifest();

  /** The runtime that runs the model file ({@code tribuo}, {@code onnx}). */
  default String runtime() {
    return manifest().model().runtime();
  }

  /** A copy of the model file's bytes. */
  byte[] modelBytes();

  /**
   * Predicts rows given as maps of input column to value (numbers for numeric columns, strings for categorical ones)
   * in one call: the bundle's encoding of the rows, then its model.
   */
  Predictions predict(List<? extends Map<String, ?>> rows);

  /**
   * Writes the bundle to directory {@code dir} atomically: files go to a temporary sibling directory that is then
   * renamed. An existing bundle with the same id is left as it is; anything else already at {@code dir} is an error.
   */
  Path write(Path dir);

  /** Frees what the runtime holds; a no-op for runtimes that hold nothing. */
  @Override
  default void close() {}
}
