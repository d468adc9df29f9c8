package dev.cairn.ml.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.ml.onnx.OnnxSchema;
import dev.cairn.ml.transform.FittedFeatures;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of a bundle's {@code bundle.json}: everything needed to serve and to trace the model except the model
 * file's bytes. Its canonical JSON (sorted keys, no whitespace, without {@code bundle_id}) plus the model file's
 * bytes hash to the bundle id.
 *
 * @param formatVersion the bundle format version ({@value ModelBundle#FORMAT_VERSION})
 * @param bundleId the SHA-256 of the bundle's canonical content; null before it is computed
 * @param inputSchema the input columns a prediction row carries
 * @param outputSchema what is predicted
 * @param features the fitted transforms that turn input rows into model features (runtime {@code tribuo}); null for
 *     other runtimes
 * @param onnxSchema how rows become the model's input tensor and what its output means (runtime {@code onnx}: the
 *     imported model's schema.yaml); null for other runtimes, and then absent from the JSON, so Tribuo bundles keep
 *     their bytes and ids
 * @param model the model file, its runtime and how it was trained
 * @param referenceStatistics statistics of the training data (a datasets profile), for drift; may be null
 * @param metrics evaluation metrics (name to value or nested object); may be empty
 * @param provenance what made the bundle: dataset versions and hashes, pipeline run, cache keys, git commit,
 *     config, JDK and library versions; may be empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BundleManifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("bundle_id") String bundleId,
    @JsonProperty("input_schema") List<InputField> inputSchema,
    @JsonProperty("output_schema") OutputSchema outputSchema,
    FittedFeatures features,
    @JsonProperty("onnx_schema") OnnxSchema onnxSchema,
    ModelFile model,
    @JsonProperty("reference_statistics") JsonNode referenceStatistics,
    Map<String, Object> metrics,
    Map<String, Object> provenance) {
  public BundleManifest {
    if (formatVersion != ModelBundle.FORMAT_VERSION) {
      throw CairnException.invalid("bundle format_version " + formatVersion + " is not supported; this Cairn reads"
          + " version " + ModelBundle.FORMAT_VERSION);
    }
    if (inputSchema == null || outputSchema == null || model == null) {
      throw CairnException.invalid("bundle.json needs input_schema, output_schema and model");
    }
    if (ModelBundle.TRIBUO_RUNTIME.equals(model.runtime()) && features == null) {
      throw CairnException.invalid("bundle.json of a '" + model.runtime() + "' model needs features");
    }
    if (OnnxBundle.ONNX_RUNTIME.equals(model.runtime()) && onnxSchema == null) {
      throw CairnException.invalid("bundle.json of an '" + model.runtime() + "' model needs onnx_schema");
    }
    inputSchema = List.copyOf(inputSchema);
    metrics = metrics == null ? Map.of() : new TreeMap<>(metrics);
    provenance = provenance == null ? Map.of() : new TreeMap<>(provenance);
  }

  BundleManifest withBundleId(String id) {
    return new BundleManifest(formatVersion, id, inputSchema, outputSchema, features, onnxSchema, model,
        referenceStatistics,
        metrics, provenance);
  }
}
