package dev.cairn.serving.log;

import java.util.List;
import java.util.Map;

/**
 * One scored request as the prediction log keeps it: which deployment and model version answered (or, for a shadow,
 * would have), when, the rows in and the answers out, and how long it took.
 *
 * @param shadow true for a shadow version's answer, which the caller never saw
 */
public record PredictionRecord(String deployment, String modelName, int modelVersion, long timeMs,
    List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow) {
  public PredictionRecord {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
