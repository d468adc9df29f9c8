package dev.cairn.serving.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.cairn.core.CairnException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON reading shared by the codecs: bodies to trees, and tree values to the plain values rows hold. */
final class JsonValues {
  /** Accepts NaN and Infinity tokens (pandas writes them), so the input check can name them rather than the parser. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonValues() {}

  static JsonNode parse(byte[] body, Limits limits) {
    limits.checkBody(body.length);
    if (body.length == 0) {
      throw CairnException.invalid("request body is empty; send a JSON object");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw CairnException.invalid("request body must be a JSON object, got " + kind(node));
      }
      return node;
    } catch (IOException e) {
      String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw CairnException.invalid("request body is not valid JSON: " + message);
    }
  }

  /** A JSON scalar as a row value: numbers as Double, text as String, booleans, null; arrays and objects fail. */
  static Object scalar(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      // integral numbers stay integral so a categorical column given 1 reads "1", not "1.0"
      return node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue() : node.doubleValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    throw CairnException.invalid(where + " must be a number, text, boolean or null, got " + kind(node));
  }

  static String kind(JsonNode node) {
    if (node == null || node instanceof NullNode) {
      return "null";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "text";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The object's fields as plain values (parameters of a request). */
  static Map<String, Object> plain(JsonNode object, String where) {
    if (object == null || object.isNull()) {
      return Map.of();
    }
    if (!object.isObject()) {
      throw CairnException.invalid("'" + where + "' must be an object, got " + kind(object));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class)));
    return out;
  }

  /** Whether parameters ask for explanations: {@code explain} true or "true". */
  static boolean explain(Map<String, Object> parameters) {
    Object v = parameters.get("explain");
    if (v == null || Boolean.FALSE.equals(v) || "false".equals(v)) {
      return false;
    }
    if (Boolean.TRUE.equals(v) || "true".equals(v)) {
      return true;
    }
    throw CairnException.invalid("parameter 'explain' must be true or false, got '" + v + "'");
  }
}
