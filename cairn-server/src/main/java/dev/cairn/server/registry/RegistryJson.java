package dev.cairn.server.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.RegisteredModel;
import java.util.Map;

/**
 * Renders registry records as MLflow's model_registry.proto JSON: snake_case, versions as strings, int64 times as
 * numbers; optional strings left out when unset. Public for the CLI's --json output.
 */
public final class RegistryJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RegistryJson() {}

  public static ObjectNode registeredModel(RegisteredModel m) {
    ObjectNode n = NODES.objectNode();
    n.put("name", m.name());
    n.put("creation_timestamp", m.creationTimestamp());
    n.put("last_updated_timestamp", m.lastUpdatedTimestamp());
    putIfPresent(n, "description", m.description());
    ArrayNode latest = n.putArray("latest_versions");
    m.latestVersions().forEach(v -> latest.add(modelVersion(v)));
    n.set("tags", tags(m.tags()));
    ArrayNode aliases = n.putArray("aliases");
    m.aliases().forEach((alias, version) -> aliases.addObject().put("alias", alias).put("version",
        Integer.toString(version)));
    return n;
  }

  public static ObjectNode modelVersion(ModelVersion v) {
    ObjectNode n = NODES.objectNode();
    n.put("name", v.name());
    n.put("version", Integer.toString(v.version()));
    n.put("creation_timestamp", v.creationTimestamp());
    n.put("last_updated_timestamp", v.lastUpdatedTimestamp());
    putIfPresent(n, "user_id", v.userId());
    n.put("current_stage", v.currentStage().wire());
    putIfPresent(n, "description", v.description());
    n.put("source", v.source());
    putIfPresent(n, "run_id", v.runId());
    n.put("status", v.status().name());
    putIfPresent(n, "status_message", v.statusMessage());
    n.set("tags", tags(v.tags()));
    putIfPresent(n, "run_link", v.runLink());
    ArrayNode aliases = n.putArray("aliases");
    v.aliases().forEach(aliases::add);
    putIfPresent(n, "model_id", v.modelId());
    return n;
  }

  private static ArrayNode tags(Map<String, String> tags) {
    ArrayNode a = NODES.arrayNode();
    tags.forEach((k, value) -> a.addObject().put("key", k).put("value", value));
    return a;
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }
}
