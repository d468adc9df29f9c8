package dev.cairn.store.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The events a webhook can subscribe to, named {@code entity.action}: MLflow 3's names for what MLflow has
 * ({@code registered_model.created}, {@code model_version.created}, ...), Cairn's for approvals and rollbacks.
 * The body of a delivery carries {@code entity} and {@code action} separately, as MLflow's does.
 */
public final class WebhookEvents {
  public static final String REGISTERED_MODEL_CREATED = "registered_model.created";
  public static final String MODEL_VERSION_CREATED = "model_version.created";
  public static final String MODEL_VERSION_TAG_SET = "model_version_tag.set";
  public static final String MODEL_VERSION_TAG_DELETED = "model_version_tag.deleted";
  public static final String MODEL_VERSION_ALIAS_CREATED = "model_version_alias.created";
  public static final String MODEL_VERSION_ALIAS_DELETED = "model_version_alias.deleted";
  public static final String PROMOTION_REQUESTED = "promotion.requested";
  public static final String PROMOTION_APPROVED = "promotion.approved";
  public static final String PROMOTION_REJECTED = "promotion.rejected";
  public static final String ALIAS_ROLLED_BACK = "alias.rolled_back";
  /** An alert rule's condition held on a deployment's newest windows (cairn-serving's alerts). */
  public static final String ALERT_FIRING = "alert.firing";
  /** A firing alert's condition no longer holds. */
  public static final String ALERT_RESOLVED = "alert.resolved";

  /** Every known event with an example {@code data} object (what {@code /webhooks/{id}/test} sends). */
  private static final Map<String, Map<String, Object>> EXAMPLES = examples();

  /** Every known event name, in a stable order. */
  public static final List<String> ALL = List.copyOf(EXAMPLES.keySet());
  private static final Set<String> KNOWN = Set.copyOf(ALL);

  private WebhookEvents() {}

  private static Map<String, Map<String, Object>> examples() {
    Map<String, Map<String, Object>> m = new LinkedHashMap<>();
    m.put(REGISTERED_MODEL_CREATED, Map.of("name", "example_model", "tags", Map.of("team", "risk"),
        "description", "An example registered model"));
    m.put(MODEL_VERSION_CREATED, Map.of("name", "example_model", "version", "1",
        "source", "models:/m-0123456789abcdef0123456789abcdef", "run_id", "0123456789abcdef0123456789abcdef",
        "tags", Map.of(), "description", "An example model version"));
    m.put(MODEL_VERSION_TAG_SET, Map.of("name", "example_model", "version", "1", "key", "k", "value", "v"));
    m.put(MODEL_VERSION_TAG_DELETED, Map.of("name", "example_model", "version", "1", "key", "k"));
    m.put(MODEL_VERSION_ALIAS_CREATED, Map.of("name", "example_model", "alias", "champion", "version", "1"));
    m.put(MODEL_VERSION_ALIAS_DELETED, Map.of("name", "example_model", "alias", "champion"));
    m.put(PROMOTION_REQUESTED, Map.of("name", "example_model", "version", "2", "alias", "production",
        "request_id", "1", "requester", "alice", "reason", "better AUC"));
    m.put(PROMOTION_APPROVED, Map.of("name", "example_model", "version", "2", "alias", "production",
        "request_id", "1", "approver", "bob", "comment", "looks good"));
    m.put(PROMOTION_REJECTED, Map.of("name", "example_model", "version", "2", "alias", "production",
        "request_id", "1", "approver", "bob", "comment", "not yet"));
    m.put(ALIAS_ROLLED_BACK, Map.of("name", "example_model", "alias", "production", "version", "1",
        "previous_version", "2", "actor", "bob"));
    m.put(ALERT_FIRING, Map.of("alert_id", "0123456789abcdef0123456789abcdef", "rule", "tenure-drift",
        "deployment", "churn-api", "model_name", "churn", "model_version", "3", "severity", "warning",
        "condition", "drift_share > 0.2", "detail", "drift_share > 0.2: 0.25 > 0.2 -> true"));
    m.put(ALERT_RESOLVED, Map.of("alert_id", "0123456789abcdef0123456789abcdef", "rule", "tenure-drift",
        "deployment", "churn-api", "model_name", "churn", "model_version", "3", "severity", "warning",
        "condition", "drift_share > 0.2", "detail", "drift_share > 0.2: 0 > 0.2 -> false"));
    return m;
  }

  /** True when {@code event} is a known event name. */
  public static boolean isKnown(String event) {
    return event != null && KNOWN.contains(event);
  }

  /** Raises {@code INVALID_PARAMETER_VALUE} naming the known events unless {@code event} is one. */
  public static String requireKnown(String event) {
    if (!isKnown(event)) {
      throw CairnException.invalid("webhook event '" + event + "' is unknown; known events: " + ALL);
    }
    return event;
  }

  /** The event name of an MLflow {@code {"entity": "MODEL_VERSION", "action": "CREATED"}} pair (any case). */
  public static String of(String entity, String action) {
    if (entity == null || action == null) {
      throw CairnException.invalid("webhook event needs 'entity' and 'action'; known events: " + ALL);
    }
    return requireKnown(entity.toLowerCase(Locale.ROOT) + "." + action.toLowerCase(Locale.ROOT));
  }

  /** The entity part of an event name ({@code model_version} of {@code model_version.created}). */
  public static String entity(String event) {
    return event.substring(0, event.indexOf('.'));
  }

  /** The action part of an event name ({@code created} of {@code model_version.created}). */
  public static String action(String event) {
    return event.substring(event.indexOf('.') + 1);
  }

  /** An example {@code data} object for a known event. */
  public static ObjectNode example(String event) {
    return Json.MAPPER.valueToTree(EXAMPLES.get(requireKnown(event)));
  }
}
