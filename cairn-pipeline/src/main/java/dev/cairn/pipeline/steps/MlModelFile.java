package dev.cairn.pipeline.steps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code MLmodel} file MLflow clients and the MLflow UI read: the model's flavors (here {@code cairn}, naming the
 * bundle), its id and run, and the input signature when the bundle declares one. Written beside the bundle's files;
 * not part of the bundle's id (it carries a creation time).
 */
final class MlModelFile {
  private MlModelFile() {}

  static void write(Path bundleDir, String modelId, String runId) throws IOException {
    Map<String, Object> cairn = new LinkedHashMap<>();
    cairn.put("bundle", "bundle.json");
    cairn.put("format_version", 1);
    Map<String, Object> flavors = new LinkedHashMap<>();
    flavors.put("cairn", cairn);
    Map<String, Object> mlmodel = new LinkedHashMap<>();
    mlmodel.put("artifact_path", "model");
    mlmodel.put("flavors", flavors);
    mlmodel.put("model_id", modelId);
    mlmodel.put("run_id", runId);
    mlmodel.put("utc_time_created", Instant.now().toString());
    Files.writeString(bundleDir.resolve("MLmodel"), dev.cairn.core.Json.YAML.writeValueAsString(mlmodel));
  }
}
