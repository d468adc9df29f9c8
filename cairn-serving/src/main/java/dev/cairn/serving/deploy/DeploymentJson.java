package dev.cairn.serving.deploy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON form of deployments, used by the REST API and for the stored spec and history:
 * <pre>{@code
 * {"name": "churn-api", "description": "...",
 *  "routes": [{"target": "churn@champion", "weight": 90}, {"target": "churn/3", "weight": 10}],
 *  "shadows": ["churn/4"], "sticky": "header:X-User",
 *  "canary": {"target": "churn/4", "percent": 10, "until": "error_rate < 0.01", "for": "30m", "state": "ramping",
 *             "steps": [10, 50], "min_requests": 100, "unknown_timeout": "24h", "step": 0, "started": 1,
 *             "step_started": 1, "started_by": "alice", "reason": "...", "promotion_request_id": "...",
 *             "held_since": 2},
 *  "version": 3, "created_by": "alice", "creation_timestamp": 1, "updated_by": "bob", "last_updated_timestamp": 2}
 * }</pre>
 * A route may also be given as the text {@code "churn/3=10"}. Reading errors name the field.
 */
public final class DeploymentJson {
  private DeploymentJson() {}

  /** The routing part (routes, shadows, sticky, canary) as stored in the spec column. */
  public static ObjectNode routing(DeploymentSpec spec) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ArrayNode routes = o.putArray("routes");
    spec.routes().forEach(r -> routes.addObject().put("target", r.target().toString()).put("weight", r.weight()));
    ArrayNode shadows = o.putArray("shadows");
    spec.shadows().forEach(t -> shadows.add(t.toString()));
    if (spec.sticky() != null) {
      o.put("sticky", spec.sticky().toString());
    }
    if (spec.canary() != null) {
      o.set("canary", canary(spec.canary()));
    }
    return o;
  }

  /** A whole deployment, as the API answers it. */
  public static ObjectNode json(Deployment d) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", d.name());
    if (d.spec().description() != null) {
      o.put("description", d.spec().description());
    }
    o.setAll(routing(d.spec()));
    o.put("version", d.version());
    o.put("created_by", d.createdBy());
    o.put("creation_timestamp", d.createdAt());
    o.put("updated_by", d.updatedBy());
    o.put("last_updated_timestamp", d.updatedAt());
    return o;
  }

  /** Reads a spec from a request body or the stored column ({@code description} from the body when present). */
  public static DeploymentSpec spec(JsonNode body) {
    return new DeploymentSpec(text(body, "description"), routes(body.get("routes")), targets(body.get("shadows")),
        sticky(body.get("sticky")), canary(body.get("canary")));
  }

  /** Parses stored JSON text. */
  public static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JacksonException e) {
      throw new CairnException(dev.cairn.core.ErrorCode.INTERNAL_ERROR, "stored deployment JSON is unreadable: "
          + e.getOriginalMessage(), e);
    }
  }

  /** Routes from an array of {@code {"target", "weight"}} objects or {@code "TARGET=WEIGHT"} texts; null if absent. */
  public static List<Route> routes(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw CairnException.invalid("field 'routes' must be an array of {\"target\": \"NAME/VERSION or NAME@ALIAS\","
          + " \"weight\": 0-100}, got " + node.getNodeType());
    }
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode r = node.get(i);
      String field = "routes[" + i + "]";
      if (r.isTextual()) {
        routes.add(Route.parse(field, r.asText()));
      } else if (r.isObject()) {
        Target target = Target.parse(field + ".target", text(r, "target"));
        JsonNode w = r.get("weight");
        if (w == null || w.isNull()) {
          routes.add(new Route(target, Route.MAX_WEIGHT));
        } else if (!w.canConvertToInt() || !w.isIntegralNumber()) {
          throw CairnException.invalid("field '" + field + ".weight' must be a whole number from 0 to "
              + Route.MAX_WEIGHT + ", got " + w);
        } else {
          routes.add(new Route(target, w.asInt()));
        }
      } else {
        throw CairnException.invalid("field '" + field + "' must be an object {\"target\", \"weight\"} or a text"
            + " TARGET=WEIGHT, got " + r.getNodeType());
      }
    }
    return routes;
  }

  /** Shadow targets from an array of texts; null if absent. */
  public static List<Target> targets(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw CairnException.invalid("field 'shadows' must be an array of NAME/VERSION or NAME@ALIAS texts");
    }
    List<Target> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode t = node.get(i);
      if (!t.isTextual()) {
        throw CairnException.invalid("field 'shadows[" + i + "]' must be a text NAME/VERSION or NAME@ALIAS, got "
            + t.getNodeType());
      }
      out.add(Target.parse("shadows[" + i + "]", t.asText()));
    }
    return out;
  }

  /** A sticky key from {@code "header:NAME"}; null when absent, null or empty. */
  public static Sticky sticky(JsonNode node) {
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
      return null;
    }
    if (!node.isTextual()) {
      throw CairnException.invalid("field 'sticky' must be a text header:NAME or field:NAME, got "
          + node.getNodeType());
    }
    return Sticky.parse(node.asText());
  }

  /** A canary from its object; null when absent or null. */
  public static Canary canary(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw CairnException.invalid("field 'canary' must be an object {\"target\", \"percent\", \"until\", \"for\"}");
    }
    JsonNode p = node.get("percent");
    if (p == null || !p.isIntegralNumber() || !p.canConvertToInt()) {
      throw CairnException.invalid("field 'canary.percent' must be a whole number from 1 to 99, got " + p);
    }
    String state = text(node, "state", "canary.state");
    Canary.Plan plan = new Canary.Plan(steps(node.get("steps")),
        longValue(node, "min_requests", Canary.Plan.DEFAULT_MIN_REQUESTS),
        text(node, "unknown_timeout", "canary.unknown_timeout"));
    Canary.Progress progress = new Canary.Progress((int) longValue(node, "step", 0), longValue(node, "started", 0),
        longValue(node, "step_started", 0), text(node, "started_by", "canary.started_by"),
        text(node, "reason", "canary.reason"), text(node, "promotion_request_id", "canary.promotion_request_id"),
        node.hasNonNull("held_since") ? longValue(node, "held_since", 0) : null);
    return new Canary(Target.parse("canary.target", text(node, "target", "canary.target")), p.asInt(),
        text(node, "until", "canary.until"), text(node, "for", "canary.for"),
        state == null ? null : Canary.State.parse(state), plan, progress);
  }

  /** A canary as JSON: its plan and, once started, its progress (fields a stored older record lacks read as defaults). */
  public static ObjectNode canary(Canary c) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("target", c.target().toString());
    n.put("percent", c.percent());
    if (c.until() != null) {
      n.put("until", c.until());
    }
    if (c.forDuration() != null) {
      n.put("for", c.forDuration());
    }
    n.put("state", c.state().wire());
    ArrayNode steps = n.putArray("steps");
    c.plan().steps().forEach(steps::add);
    n.put("min_requests", c.plan().minRequests());
    n.put("unknown_timeout", c.plan().unknownTimeout());
    Canary.Progress g = c.progress();
    n.put("step", g.step());
    if (g.startedMs() > 0) {
      n.put("started", g.startedMs());
      n.put("step_started", g.stepStartedMs());
    }
    if (g.startedBy() != null) {
      n.put("started_by", g.startedBy());
    }
    if (g.reason() != null) {
      n.put("reason", g.reason());
    }
    if (g.promotionRequestId() != null) {
      n.put("promotion_request_id", g.promotionRequestId());
    }
    if (g.heldSinceMs() != null) {
      n.put("held_since", g.heldSinceMs());
    }
    return n;
  }

  /** Ramp steps from an array of whole numbers or a text {@code "10,25,50"}; null when absent. */
  public static List<Integer> steps(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    if (node.isTextual()) {
      for (String part : node.asText().split(",")) {
        String t = part.strip();
        if (!t.matches("\\d{1,3}")) {
          throw CairnException.invalid("field 'canary.steps' value '" + node.asText() + "': '" + t
              + "' is not a whole percent from 1 to 99");
        }
        out.add(Integer.parseInt(t));
      }
      return out;
    }
    if (!node.isArray()) {
      throw CairnException.invalid("field 'canary.steps' must be an array of percents such as [10, 25, 50], got "
          + node.getNodeType());
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode s = node.get(i);
      if (!s.isIntegralNumber() || !s.canConvertToInt()) {
        throw CairnException.invalid("field 'canary.steps[" + i + "]' must be a whole percent from 1 to 99, got " + s);
      }
      out.add(s.asInt());
    }
    return out;
  }

  private static long longValue(JsonNode node, String field, long absent) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw CairnException.invalid("field 'canary." + field + "' must be a whole number, got " + v);
    }
    return v.asLong();
  }

  /** A text field of {@code node}, named {@code path} in the error. */
  private static String text(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw CairnException.invalid("field '" + path + "' must be a string, got " + v.getNodeType());
    }
    return v.asText();
  }

  /** A text field, or null when absent or null; anything else is refused naming the field. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw CairnException.invalid("field '" + field + "' must be a string, got " + v.getNodeType());
    }
    return v.asText();
  }
}
