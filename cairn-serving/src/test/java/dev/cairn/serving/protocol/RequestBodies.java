package dev.cairn.serving.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.frame.ColumnType;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds request bodies of every format from rows, as a client would. */
public final class RequestBodies {
  static final ObjectMapper JSON = new ObjectMapper();

  private RequestBodies() {}

  public static byte[] bytes(Object tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** OIP v2 with one input per column, shape [n] (or [n, 1] when {@code column} is true). */
  public static byte[] oipColumns(List<InputField> schema, List<Map<String, Object>> rows, boolean nested) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "req-1");
    ArrayNode inputs = root.putArray("inputs");
    for (InputField f : schema) {
      ObjectNode t = inputs.addObject();
      t.put("name", f.name());
      ArrayNode shape = t.putArray("shape").add(rows.size());
      if (nested) {
        shape.add(1);
      }
      t.put("datatype", f.type() == ColumnType.NUMERIC ? "FP64" : "BYTES");
      ArrayNode data = t.putArray("data");
      for (Map<String, Object> row : rows) {
        ArrayNode target = nested ? data.addArray() : data;
        target.add(JSON.valueToTree(row.get(f.name())));
      }
    }
    return bytes(root);
  }

  /** OIP v2 with one [n, k] tensor in schema column order. */
  public static byte[] oipMatrix(List<InputField> schema, List<Map<String, Object>> rows, boolean explain) {
    ObjectNode root = JSON.createObjectNode();
    if (explain) {
      root.putObject("parameters").put("explain", true);
    }
    ObjectNode t = root.putArray("inputs").addObject();
    t.put("name", "input");
    t.putArray("shape").add(rows.size()).add(schema.size());
    t.put("datatype", "BYTES");
    ArrayNode data = t.putArray("data");
    for (Map<String, Object> row : rows) {
      ArrayNode r = data.addArray();
      for (InputField f : schema) {
        r.add(JSON.valueToTree(row.get(f.name())));
      }
    }
    return bytes(root);
  }

  public static byte[] dataframeSplit(List<InputField> schema, List<Map<String, Object>> rows) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode split = root.putObject("dataframe_split");
    ArrayNode columns = split.putArray("columns");
    schema.forEach(f -> columns.add(f.name()));
    ArrayNode data = split.putArray("data");
    for (Map<String, Object> row : rows) {
      ArrayNode r = data.addArray();
      for (InputField f : schema) {
        r.add(JSON.valueToTree(row.get(f.name())));
      }
    }
    return bytes(root);
  }

  public static byte[] records(String format, List<Map<String, Object>> rows) {
    ObjectNode root = JSON.createObjectNode();
    root.set(format, JSON.valueToTree(rows));
    return bytes(root);
  }

  /** {@code instances} or {@code inputs} as rows of values in schema order. */
  public static byte[] tensorRows(String format, List<InputField> schema, List<Map<String, Object>> rows) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode data = root.putArray(format);
    for (Map<String, Object> row : rows) {
      ArrayNode r = data.addArray();
      for (InputField f : schema) {
        r.add(JSON.valueToTree(row.get(f.name())));
      }
    }
    return bytes(root);
  }

  /** {@code inputs} as an object of column to values. */
  public static byte[] columnar(String format, List<InputField> schema, List<Map<String, Object>> rows) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode columns = root.putObject(format);
    for (InputField f : schema) {
      ArrayNode values = columns.putArray(f.name());
      rows.forEach(row -> values.add(JSON.valueToTree(row.get(f.name()))));
    }
    return bytes(root);
  }

  public static byte[] csv(List<InputField> schema, List<Map<String, Object>> rows) {
    StringWriter out = new StringWriter();
    try (CsvWriter w = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out)) {
      w.writeRecord(schema.stream().map(InputField::name).toList());
      for (Map<String, Object> row : rows) {
        w.writeRecord(schema.stream().map(f -> {
          Object v = row.get(f.name());
          return v == null ? "" : v.toString();
        }).toList());
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
