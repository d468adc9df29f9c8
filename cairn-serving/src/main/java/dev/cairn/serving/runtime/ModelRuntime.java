package dev.cairn.serving.runtime;

import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads model bundles for serving and batch scoring. Loading verifies the bundle (its content must hash to its id,
 * so a tampered bundle is refused), derives the input checks from its schema, warms the model with one row and
 * compares the library versions it was trained with (its provenance) with this runtime's.
 *
 * <pre>{@code
 * try (LoadedModel model = ModelRuntime.defaults().load(Path.of("bundles/churn"))) {
 *   model.warnings().forEach(System.err::println);
 *   Predictions p = model.predict(List.of(Map.of("tenure", 3, "monthly", 70.5, "plan", "basic")));
 * }
 * }</pre>
 *
 * @param rejectUnknownCategories whether a category the model did not see in training is an error (the default) or
 *     is encoded as all zeros, as the bundle's transforms would
 */
public record ModelRuntime(boolean rejectUnknownCategories) {
  /** Provenance key of the Tribuo version a bundle was trained with. */
  public static final String TRIBUO_VERSION = "tribuo_version";
  /** Provenance key of the Java specification version a bundle was trained on. */
  public static final String JAVA_SPECIFICATION = "java_specification";

  /** The runtime serving uses: unknown categories are errors. */
  public static ModelRuntime defaults() {
    return new ModelRuntime(true);
  }

  /** Loads and verifies the bundle in {@code dir}. */
  public LoadedModel load(Path dir) {
    return load(dir, null);
  }

  /** Loads the bundle in {@code dir}, which must also have id {@code expectedId} when that is not null. */
  public LoadedModel load(Path dir, String expectedId) {
    return LoadedModel.ready(Bundles.load(dir, expectedId), this);
  }

  /** Serves a bundle already in memory (e.g. just trained); the caller keeps ownership of nothing: close the model. */
  public LoadedModel wrap(Bundle bundle) {
    return LoadedModel.ready(bundle, this);
  }

  /** The library versions this runtime runs, by provenance key. */
  public static Map<String, String> runtimeVersions() {
    Map<String, String> versions = new TreeMap<>();
    versions.put(TRIBUO_VERSION, org.tribuo.Tribuo.VERSION);
    versions.put(JAVA_SPECIFICATION, System.getProperty("java.specification.version"));
    return versions;
  }

  /**
   * One warning per library whose version in {@code provenance} differs from {@code runtime}'s (a dependency change
   * between training and serving can change predictions). Keys absent from the provenance are not compared.
   */
  public static List<String> versionWarnings(Map<String, Object> provenance, Map<String, String> runtime) {
    List<String> warnings = new ArrayList<>();
    runtime.forEach((key, here) -> {
      Object trained = provenance.get(key);
      if (trained != null && !String.valueOf(trained).equals(here)) {
        warnings.add(key + " differs: the bundle was trained with " + trained + ", this runtime has " + here);
      }
    });
    return warnings;
  }
}
