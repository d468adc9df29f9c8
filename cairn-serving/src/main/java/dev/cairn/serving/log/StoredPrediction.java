package dev.cairn.serving.log;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.core.CairnException;
import java.util.List;
import java.util.Map;

/**
 * One row of the prediction log as stored: the record's content (inputs already stripped of personal fields) under its
 * prediction id.
 */
public record StoredPrediction(String id, String deployment, String modelName, int modelVersion, long timeMs,
    List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow,
    @JsonProperty("request_rows") int requestRows) {
  /** A prediction that was a whole scoring call by itself. */
  public StoredPrediction(String id, String deployment, String modelName, int modelVersion, long timeMs,
      List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow) {
    this(id, deployment, modelName, modelVersion, timeMs, inputs, outputs, latencyMs, shadow, inputs.size());
  }

  /** Whether this is the first (or only) logged row of its scoring call: calls and their latency count here. */
  public boolean startsRequest() {
    return requestRows > 0;
  }

  public StoredPrediction {
    if (id == null || id.isEmpty() || id.length() > 64) {
      throw CairnException.invalid("prediction id '" + id + "' must be 1 to 64 characters");
    }
    if (deployment == null || deployment.isEmpty()) {
      throw CairnException.invalid("a logged prediction must name its deployment");
    }
    if (modelName == null || modelName.isEmpty()) {
      throw CairnException.invalid("a logged prediction must name its model");
    }
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** {@code record} under {@code id}, with {@code inputs} in place of the record's own. */
  static StoredPrediction of(String id, PredictionRecord record, List<Map<String, Object>> inputs) {
    return new StoredPrediction(id, record.deployment(), record.modelName(), record.modelVersion(), record.timeMs(),
        inputs, record.outputs(), record.latencyMs(), record.shadow(), record.requestRows());
  }
}
