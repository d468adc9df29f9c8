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
 *  "canary": {"target": "churn/4", "percent": 10, "until": "error_rate < 0.01", "for": "30m", "state": "ramping"},
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
      Canary c = spec.canary();
      ObjectNode n = o.putObject("canary");
      n.put("target", c.target().toString());
      n.put("percent", c.percent());
      if (c.until() != null) {
        n.put("until", c.until());
      }
      if (c.forDuration() != null) {
        n.put("for", c.forDuration());
      }
      n.put("state", c.state().wire());
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
    String state = text(node, "state");
    return new Canary(Target.parse("canary.target", text(node, "target")), p.asInt(), text(node, "until"),
        text(node, "for"), state == null ? null : Canary.State.parse(state));
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
