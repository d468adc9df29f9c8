package dev.cairn.serving.alerts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One firing of an alert rule on one deployment's model version, and its resolution.
 *
 * @param id 32 hex characters
 * @param state {@link #FIRING} or {@link #RESOLVED}
 * @param condition the rule's condition when it fired
 * @param firedAt when it fired (epoch milliseconds, the evaluator's clock)
 * @param windowFrom start of the newest window the firing was decided on
 * @param windowTo end of that window
 * @param detail the evaluation's account of each comparison
 * @param figures the figures the condition reads, in that window (null values left out)
 * @param resolvedAt when it resolved; null while firing
 * @param resolveDetail why it resolved; null while firing
 */
public record Alert(String id, String rule, String deployment, String modelName, int modelVersion, String severity,
    String state, String condition, long firedAt, long windowFrom, long windowTo, String detail,
    Map<String, Double> figures, Long resolvedAt, String resolveDetail) {
  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  public Alert {
    figures = figures == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  public boolean isFiring() {
    return FIRING.equals(state);
  }
}
