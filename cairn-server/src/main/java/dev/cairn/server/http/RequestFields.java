package dev.cairn.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of one request, read from a JSON object (POST bodies, nested objects) or a query string (GET),
 * with the typing protobuf's JSON parser applies: int64 may arrive as a number or a string, doubles as a
 * number or "NaN"/"Infinity", unknown fields are ignored. Every type error names the field.
 */
public final class RequestFields {
  /** MLflow's MAX_BATCH_LOG_REQUEST_SIZE: the largest JSON body any route accepts. */
  public static final int MAX_JSON_BYTES = 1_000_000;

  private static final ObjectMapper READER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private final ObjectNode json;
  private final Map<String, List<String>> query;
  private final String where;

  private RequestFields(ObjectNode json, Map<String, List<String>> query, String where) {
    this.json = json;
    this.query = query;
    this.where = where;
  }

  public static RequestFields ofQuery(Map<String, List<String>> query) {
    return new RequestFields(null, query, "");
  }

  /** Reads at most {@link #MAX_JSON_BYTES} of the body; an empty body reads as {@code {}}. */
  public static RequestFields ofJsonBody(InputStream body) {
    byte[] bytes = readLimited(body);
    if (bytes.length == 0) {
      return new RequestFields(READER.createObjectNode(), null, "");
    }
    JsonNode root;
    try {
      root = READER.readTree(bytes);
    } catch (JacksonException e) {
      throw CairnException.invalid("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (root == null || root.isMissingNode()) {
      return new RequestFields(READER.createObjectNode(), null, "");
    }
    if (!root.isObject()) {
      throw CairnException.invalid("request body must be a JSON object, got " + kind(root));
    }
    return new RequestFields((ObjectNode) root, null, "");
  }

  private static byte[] readLimited(InputStream in) {
    try {
      byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
      if (bytes.length > MAX_JSON_BYTES) {
        throw CairnException.invalid("request body is larger than " + MAX_JSON_BYTES
            + " bytes, the limit for JSON requests (MLflow's MAX_BATCH_LOG_REQUEST_SIZE); split it into smaller requests");
      }
      return bytes;
    } catch (IOException e) {
      throw CairnException.invalid("request body could not be read: " + e.getMessage());
    }
  }

  public boolean has(String name) {
    if (json != null) {
      JsonNode n = json.get(name);
      return n != null && !n.isNull();
    }
    List<String> values = query.get(name);
    return values != null && !values.isEmpty();
  }

  /** A string field, or null when absent. Integral numbers are accepted and rendered as text (experiment ids). */
  public String string(String name) {
    if (json == null) {
      List<String> values = query.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.asText();
    }
    throw wrongType(name, n, "a string");
  }

  public String requiredString(String name) {
    String s = string(name);
    if (s == null) {
      throw missing(name);
    }
    return s;
  }

  /** The first present of several names (MLflow accepts {@code run_id} or the older {@code run_uuid}). */
  public String requiredString(String name, String alias) {
    String s = string(name);
    if (s == null || s.isEmpty()) {
      s = string(alias);
    }
    if (s == null || s.isEmpty()) {
      throw missing(name);
    }
    return s;
  }

  public Long longValue(String name) {
    if (json == null) {
      String s = string(name);
      return s == null ? null : parseLong(name, s);
    }
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isFloatingPointNumber() && n.canConvertToExactIntegral() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (n.isTextual()) {
      return parseLong(name, n.textValue());
    }
    throw wrongType(name, n, "an integer");
  }

  public long requiredLong(String name) {
    Long v = longValue(name);
    if (v == null) {
      throw missing(name);
    }
    return v;
  }

  /** An int32 field in [min, max], or the default when absent. */
  public int intValue(String name, int defaultValue, int min, int max) {
    Long v = longValue(name);
    if (v == null) {
      return defaultValue;
    }
    if (v < min || v > max) {
      throw CairnException.invalid("Invalid value " + v + " for parameter '" + where + name
          + "': must be between " + min + " and " + max);
    }
    return v.intValue();
  }

  public Double doubleValue(String name) {
    if (json == null) {
      String s = string(name);
      return s == null ? null : parseDouble(name, s);
    }
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      return parseDouble(name, n.textValue());
    }
    throw wrongType(name, n, "a number");
  }

  public double requiredDouble(String name) {
    Double v = doubleValue(name);
    if (v == null) {
      throw missing(name);
    }
    return v;
  }

  /** A repeated string field: a JSON array, or repeated query keys. Absent is empty. */
  public List<String> strings(String name) {
    if (json == null) {
      List<String> values = query.get(name);
      return values == null ? List.of() : List.copyOf(values);
    }
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw wrongType(name, n, "an array of strings");
    }
    List<String> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (e.isTextual()) {
        out.add(e.textValue());
      } else if (e.isIntegralNumber()) {
        out.add(e.asText());
      } else {
        throw wrongType(name + "[" + i + "]", e, "a string");
      }
    }
    return out;
  }

  /** A repeated message field: a JSON array of objects. Absent is empty; not available from a query string. */
  public List<RequestFields> objects(String name) {
    if (json == null) {
      if (has(name)) {
        throw CairnException.invalid("parameter '" + name + "' is a list of objects; send it in a JSON body with POST");
      }
      return List.of();
    }
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw wrongType(name, n, "an array of objects");
    }
    List<RequestFields> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      String path = where + name + "[" + i + "]";
      if (!e.isObject()) {
        throw CairnException.invalid("Invalid value for parameter '" + path + "': expected an object, got " + kind(e));
      }
      out.add(new RequestFields((ObjectNode) e, null, path + "."));
    }
    return out;
  }

  /** A nested message field, or null when absent. */
  public RequestFields object(String name) {
    if (json == null) {
      return null;
    }
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw wrongType(name, n, "an object");
    }
    return new RequestFields((ObjectNode) n, null, where + name + ".");
  }

  /** The raw JSON of a field (opaque payloads such as dataset schemas), or null. */
  public JsonNode raw(String name) {
    return json == null ? null : json.get(name);
  }

  private Long parseLong(String name, String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw CairnException.invalid("Invalid value '" + abbreviate(s) + "' for parameter '" + where + name
          + "': expected an integer");
    }
  }

  private Double parseDouble(String name, String s) {
    switch (s.trim()) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          throw CairnException.invalid("Invalid value '" + abbreviate(s) + "' for parameter '" + where + name
              + "': expected a number");
        }
    }
  }

  private CairnException missing(String name) {
    return CairnException.invalid("Missing value for required parameter '" + where + name + "'");
  }

  private CairnException wrongType(String name, JsonNode n, String expected) {
    return CairnException.invalid(
        "Invalid value for parameter '" + where + name + "': expected " + expected + ", got " + kind(n));
  }

  private static String kind(JsonNode n) {
    if (n.isObject()) {
      return "an object";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isNumber()) {
      return "a number";
    }
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
