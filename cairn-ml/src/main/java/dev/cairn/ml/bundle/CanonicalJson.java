package dev.cairn.ml.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON of a tree: object keys sorted at every depth (Jackson's sorting features cover maps and POJOs but
 * not {@link JsonNode} objects such as caller-given statistics), no whitespace. Equal content gives equal bytes
 * whether the tree came from Java objects or from parsing a file.
 */
final class CanonicalJson {
  private CanonicalJson() {}

  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      Collections.sort(names);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        out.set(name, sorted(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode element : node) {
        out.add(sorted(element));
      }
      return out;
    }
    return node;
  }

  static byte[] bytes(JsonNode node) {
    return Json.canonicalBytes(sorted(node));
  }
}
