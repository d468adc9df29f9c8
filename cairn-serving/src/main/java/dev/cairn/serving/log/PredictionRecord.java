package dev.cairn.serving.log;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scored request as the prediction log keeps it: which deployment and model version answered (or, for a shadow,
 * would have), when, the rows in and the answers out, and how long it took.
 *
 * @param shadow true for a shadow version's answer, which the caller never saw
 * @param requestRows the rows of the scoring call this record belongs to, on the call's first record; 0 on the call's
 *     other records (a call of N rows is logged as N records, one prediction id each)
 * @param personal the input fields the answering bundle marks personal: the log hashes or drops them before storing
 */
public record PredictionRecord(String deployment, String modelName, int modelVersion, long timeMs,
    List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow,
    int requestRows, Set<String> personal) {
  public PredictionRecord {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    if (requestRows < 0) {
      throw new IllegalArgumentException("requestRows is " + requestRows + "; it must be 0 or more");
    }
    personal = personal == null ? Set.of() : Set.copyOf(personal);
  }

  /** A record that is a whole scoring call by itself, of a bundle with {@code personal} fields. */
  public PredictionRecord(String deployment, String modelName, int modelVersion, long timeMs,
      List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow,
      Set<String> personal) {
    this(deployment, modelName, modelVersion, timeMs, inputs, outputs, latencyMs, shadow, inputs.size(), personal);
  }

  /** A record that is a whole scoring call by itself, of a bundle with no personal fields. */
  public PredictionRecord(String deployment, String modelName, int modelVersion, long timeMs,
      List<Map<String, Object>> inputs, List<Map<String, Object>> outputs, double latencyMs, boolean shadow) {
    this(deployment, modelName, modelVersion, timeMs, inputs, outputs, latencyMs, shadow, inputs.size(), Set.of());
  }
}
