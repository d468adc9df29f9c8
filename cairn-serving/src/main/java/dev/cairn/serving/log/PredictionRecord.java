package dev.cairn.serving.log;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scored request as the prediction log keeps it: which deployment and model version answered (or, for a shadow,
 * would have), when, the rows in and the answers out, and how long it took.
 *
 * @param shadow true for a shadow version's answer, which the caller never saw
 * @param personal the input fields the answering bundle marks personal: the log hashes or drops them before storing
 */
public record PredictionRecord(String deployment, String modelName, int modelVersion, long timeMs,
    List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow,
    Set<String> personal) {
  public PredictionRecord {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    personal = personal == null ? Set.of() : Set.copyOf(personal);
  }

  /** A record of a bundle with no personal fields. */
  public PredictionRecord(String deployment, String modelName, int modelVersion, long timeMs,
      List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow) {
    this(deployment, modelName, modelVersion, timeMs, inputs, outputs, latencyMs, shadow, Set.of());
  }
}
