package dev.cairn.ml.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code MLmodel} file MLflow clients and the MLflow UI read: the model's flavors (here {@code cairn}, naming the
 * bundle, its id and runtime), its id and run, and the input signature when the bundle declares one. Written beside
 * the bundle's files when the bundle is logged as a model (by the pipeline's register step and by
 * {@code cairn models import-onnx}); not part of the bundle's id (it carries a creation time).
 */
public final class MlModelFile {
  /** The file's name, as MLflow expects it. */
  public static final String FILE = "MLmodel";

  private MlModelFile() {}

  /**
   * Writes {@code MLmodel} into {@code bundleDir} for logged model {@code modelId}; {@code runId} (may be null) is the
   * run that made it.
   */
  public static void write(Path bundleDir, String modelId, String runId) throws IOException {
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
    Path manifest = bundleDir.resolve("bundle.json");
    if (Files.isRegularFile(manifest)) {
      JsonNode bundle = Json.MAPPER.readTree(manifest.toFile());
      cairn.put("bundle_id", bundle.path("bundle_id").asText());
      cairn.put("runtime", bundle.path("model").path("runtime").asText());
      Map<String, Object> signature = new LinkedHashMap<>();
      signature.put("inputs", Json.write(inputs(bundle.path("input_schema"))));
      signature.put("outputs", Json.write(List.of(column(bundle.path("output_schema").path("name").asText(),
          "regression".equals(bundle.path("output_schema").path("task").asText()) ? "double" : "string"))));
      signature.put("params", null);
      mlmodel.put("signature", signature);
    }
    StringBuilder yaml = new StringBuilder();
    appendYaml(yaml, mlmodel, "");
    Files.writeString(bundleDir.resolve(FILE), yaml.toString());
  }

  /**
   * Block YAML with every string single-quoted, as MLflow's PyYAML writes MLmodel: the signature's JSON strings keep
   * their double quotes unescaped and on one line (a generic emitter escapes and folds them).
   */
  private static void appendYaml(StringBuilder out, Map<String, Object> map, String indent) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      out.append(indent).append(e.getKey()).append(':');
      Object value = e.getValue();
      if (value instanceof Map<?, ?> nested) {
        out.append('\n');
        @SuppressWarnings("unchecked")
        Map<String, Object> entries = (Map<String, Object>) nested;
        appendYaml(out, entries, indent + "  ");
        continue;
      }
      out.append(' ');
      if (value == null) {
        out.append("null");
      } else if (value instanceof Number || value instanceof Boolean) {
        out.append(value);
      } else {
        out.append('\'').append(value.toString().replace("'", "''")).append('\'');
      }
      out.append('\n');
    }
  }

  /** MLflow's column specs: a numeric input is a double, a categorical one a string. */
  private static List<Map<String, Object>> inputs(JsonNode schema) {
    List<Map<String, Object>> columns = new ArrayList<>();
    for (JsonNode field : schema) {
      columns.add(column(field.path("name").asText(),
          "categorical".equals(field.path("type").asText()) ? "string" : "double"));
    }
    return columns;
  }

  private static Map<String, Object> column(String name, String type) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("name", name);
    c.put("required", true);
    return c;
  }
}
