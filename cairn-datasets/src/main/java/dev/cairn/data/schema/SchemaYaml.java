package dev.cairn.data.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cairn.core.CairnException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads and writes schemas as YAML. Unknown keys are errors; every error names the file, line and key.
 *
 * <pre>
 * columns:
 *   - name: age
 *     type: integer
 *     nullable: false
 *     min: 0
 *   - name: colour
 *     type: categorical
 *     domain: [red, green, blue]
 * </pre>
 */
public final class SchemaYaml {
  /** Strict YAML mapper shared by schema and expectation-suite files. */
  public static final ObjectMapper STRICT = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private SchemaYaml() {}

  public static Schema load(Path file) {
    return read(file, Schema.class);
  }

  public static Schema parse(String yaml, String sourceName) {
    return parse(yaml, sourceName, Schema.class);
  }

  public static String write(Schema schema) {
    try {
      return STRICT.writeValueAsString(schema);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@code file} as {@code type} with errors naming file, line and key. */
  public static <T> T read(Path file, Class<T> type) {
    try {
      return parse(Files.readString(file), file.toString(), type);
    } catch (IOException e) {
      throw CairnException.notFound("cannot read YAML file '" + file + "': " + e.getMessage());
    }
  }

  public static <T> T parse(String yaml, String sourceName, Class<T> type) {
    try {
      T value = STRICT.readValue(yaml, type);
      if (value == null) {
        throw CairnException.invalid("file '" + sourceName + "' is empty");
      }
      return value;
    } catch (JsonMappingException e) {
      String line = e.getLocation() == null ? "?" : String.valueOf(e.getLocation().getLineNr());
      if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
        // creator-based records report the end of the object; find the unknown key's own line instead
        line = lineOfKey(yaml, u.getPropertyName(), line);
      }
      throw CairnException.invalid("file '" + sourceName + "' line " + line + keyOf(e) + ": " + rootMessage(e));
    } catch (JsonProcessingException e) {
      throw CairnException.invalid(where(sourceName, e.getLocation()) + ": invalid YAML: " + e.getOriginalMessage());
    }
  }

  private static String lineOfKey(String yaml, String key, String fallback) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile("^\\s*(-\\s+)?['\"]?" + java.util.regex.Pattern.quote(key)
        + "['\"]?\\s*:");
    String[] lines = yaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (p.matcher(lines[i]).find()) {
        return String.valueOf(i + 1);
      }
    }
    return fallback;
  }

  private static String where(String source, JsonLocation at) {
    return "file '" + source + "' line " + (at == null ? "?" : String.valueOf(at.getLineNr()));
  }

  private static String keyOf(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    return path.isEmpty() ? "" : " key '" + path + "'";
  }

  private static String rootMessage(JsonMappingException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof CairnException) {
      return t.getMessage();
    }
    String m = e.getOriginalMessage();
    int cut = m.indexOf(" (class ");
    return cut > 0 ? m.substring(0, cut) : m;
  }
}
