package dev.cairn.ml.onnx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.core.CairnException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML document read into nodes that remember their line and key path, so validation errors can say
 * "schema.yaml line 7, key inputs[1].type: ...". Jackson's own tree drops locations, hence this small reader.
 */
final class LocatedYaml {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  /** A value (map, list or scalar) with where it was written. */
  record Node(Object value, int line, String path, String source) {
    boolean isMap() {
      return value instanceof Map;
    }

    @SuppressWarnings("unchecked")
    Map<String, Node> map() {
      if (!(value instanceof Map)) {
        throw error("expected a mapping of keys to values");
      }
      return (Map<String, Node>) value;
    }

    @SuppressWarnings("unchecked")
    List<Node> list() {
      if (!(value instanceof List)) {
        throw error("expected a list");
      }
      return (List<Node>) value;
    }

    String text() {
      if (value == null || value instanceof Map || value instanceof List) {
        throw error("expected a single value");
      }
      return String.valueOf(value);
    }

    /** The child under {@code key}, or an error at this map's line naming the missing key. */
    Node required(String key) {
      Node child = map().get(key);
      if (child == null) {
        throw new Node(null, line, child(key), source).error("is required");
      }
      return child;
    }

    Node optional(String key) {
      return map().get(key);
    }

    /** Fails on the first key not in {@code allowed}. */
    void onlyKeys(Set<String> allowed) {
      for (Map.Entry<String, Node> e : map().entrySet()) {
        if (!allowed.contains(e.getKey())) {
          throw e.getValue().error("unknown key; allowed keys: " + String.join(", ", allowed));
        }
      }
    }

    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    CairnException error(String problem) {
      return CairnException.invalid(source + " line " + line + (path.isEmpty() ? "" : ", key " + path) + ": "
          + problem);
    }
  }

  private LocatedYaml() {}

  /** Reads one YAML document; syntax errors name the source and line. */
  static Node read(String yaml, String source) {
    try (JsonParser parser = FACTORY.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw CairnException.invalid(source + " is empty");
      }
      return node(parser, "", source);
    } catch (JsonProcessingException e) {
      throw CairnException.invalid(source + " line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw CairnException.invalid(source + " cannot be read: " + e.getMessage());
    }
  }

  private static Node node(JsonParser parser, String path, String source) throws IOException {
    int line = parser.currentTokenLocation().getLineNr();
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Node> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          int keyLine = parser.currentTokenLocation().getLineNr();
          String childPath = path.isEmpty() ? key : path + "." + key;
          parser.nextToken();
          Node value = node(parser, childPath, source);
          if (map.containsKey(key)) {
            throw CairnException.invalid(source + " line " + keyLine + ", key " + childPath + ": duplicate key");
          }
          // the key's line is what a reader looks for, also for a value on the following lines
          map.put(key, new Node(value.value(), keyLine, childPath, source));
        }
        return new Node(map, line, path, source);
      }
      case START_ARRAY -> {
        List<Node> list = new ArrayList<>();
        int i = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(node(parser, path + "[" + i++ + "]", source));
        }
        return new Node(list, line, path, source);
      }
      case VALUE_NULL -> {
        return new Node(null, line, path, source);
      }
      default -> {
        // scalars keep their written text: a label "yes" or "1" must not turn into a boolean or a number
        return new Node(parser.getText(), line, path, source);
      }
    }
  }
}
