package dev.cairn.ml.bundle;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model file of a bundle and how it was trained.
 *
 * @param runtime the runtime that loads the file ({@code tribuo})
 * @param file the file name inside the bundle directory
 * @param sha256 the file's SHA-256
 * @param algorithm the training algorithm's id ({@code random_forest}...)
 * @param params every trainer parameter with its value
 * @param modelClass the runtime's model class, for readers
 */
public record ModelFile(String runtime, String file, String sha256, String algorithm, Map<String, Object> params,
    @JsonProperty("model_class") String modelClass) {
  public ModelFile {
    if (runtime == null || file == null || file.isEmpty() || file.contains("/") || file.contains("\\")
        || file.startsWith(".")) {
      throw CairnException.invalid("bundle model 'file' must be a plain file name, got '" + file + "'");
    }
    if (!Hashing.isSha256Hex(sha256)) {
      throw CairnException.invalid("bundle model 'sha256' must be 64 lowercase hex characters, got '" + sha256 + "'");
    }
    params = params == null ? Map.of() : new TreeMap<>(params);
  }
}
