package dev.cairn.server.loggedmodels;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.store.loggedmodels.LoggedModel;
import dev.cairn.store.loggedmodels.ModelMetric;
import java.util.Map;

/**
 * Renders logged models as MLflow's proto JSON ({@code LoggedModel} = {@code info} + {@code data}): snake_case,
 * int64 as numbers, the status as its enum name, non-finite metric values as "NaN"/"Infinity"/"-Infinity".
 */
final class LoggedModelJson {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private LoggedModelJson() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ObjectNode model(LoggedModel m) {
    ObjectNode n = object();
    ObjectNode info = n.putObject("info");
    info.put("model_id", m.modelId());
    info.put("experiment_id", m.experimentId());
    info.put("name", m.name());
    info.put("creation_timestamp_ms", m.creationTimestampMs());
    info.put("last_updated_timestamp_ms", m.lastUpdatedTimestampMs());
    info.put("artifact_uri", m.artifactLocation());
    info.put("status", m.status().wire());
    putIfPresent(info, "model_type", m.modelType());
    putIfPresent(info, "source_run_id", m.sourceRunId());
    putIfPresent(info, "status_message", m.statusMessage());
    info.set("tags", keyValues(m.tags()));
    info.putArray("registrations");
    ObjectNode data = n.putObject("data");
    data.set("params", keyValues(m.params()));
    ArrayNode metrics = data.putArray("metrics");
    for (ModelMetric metric : m.metrics()) {
      metrics.add(metric(metric));
    }
    return n;
  }

  static ObjectNode metric(ModelMetric m) {
    ObjectNode n = object();
    n.put("key", m.key());
    double v = m.value();
    if (Double.isNaN(v)) {
      n.put("value", "NaN");
    } else if (Double.isInfinite(v)) {
      n.put("value", v > 0 ? "Infinity" : "-Infinity");
    } else {
      n.put("value", v);
    }
    n.put("timestamp", m.timestamp());
    n.put("step", m.step());
    putIfPresent(n, "dataset_name", m.datasetName());
    putIfPresent(n, "dataset_digest", m.datasetDigest());
    n.put("model_id", m.modelId());
    putIfPresent(n, "run_id", m.runId());
    return n;
  }

  private static ArrayNode keyValues(Map<String, String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    return a;
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }
}
