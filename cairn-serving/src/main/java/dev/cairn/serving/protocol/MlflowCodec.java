package dev.cairn.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.runtime.Explanations;
import dev.cairn.serving.runtime.Scored;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MLflow's scoring formats ({@code POST /invocations} of {@code mlflow models serve}) for one model's input schema.
 * A JSON body holds exactly one of {@code dataframe_split} ({@code {"columns": [...], "data": [[...]]}}),
 * {@code dataframe_records} ({@code [{"col": value}]}), {@code instances} or {@code inputs} (records, a
 * column-to-values object, or rows of values in the schema's column order), plus optional {@code params}
 * ({@code {"explain": true}}); a {@code text/csv} body is a header line and rows. The response is
 * {@code {"predictions": [...]}}, one record per row: {@code {"label", "probabilities"}} or {@code {"value"}}, with
 * {@code contributions} and {@code intercept} when explained. Malformed bodies are INVALID_PARAMETER_VALUE naming the
 * field, row or limit, rendered as {@code {"error_code", "message"}} by the HTTP layer.
 */
public final class MlflowCodec {
  /** The JSON input fields, of which a body holds exactly one. */
  public static final List<String> FORMATS = List.of("dataframe_split", "dataframe_records", "instances", "inputs");

  private final List<InputField> schema;
  private final Limits limits;

  public MlflowCodec(List<InputField> schema, Limits limits) {
    this.schema = List.copyOf(schema);
    this.limits = limits;
  }

  /**
   * Decodes a body of content type {@code contentType} ({@code application/json} or {@code text/csv}, parameters
   * such as {@code charset} ignored; anything else, or none, is an error naming the supported types).
   */
  public ScoringRequest decode(String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (type.equals("text/csv")) {
      return decodeCsv(body);
    }
    if (!type.equals("application/json")) {
      throw CairnException.invalid("Content-Type " + (type.isEmpty() ? "is missing" : "'" + type + "' is not supported")
          + "; send application/json (one of " + String.join(", ", FORMATS) + ") or text/csv");
    }
    JsonNode root = JsonValues.parse(body, limits);
    List<String> given = new ArrayList<>();
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (FORMATS.contains(name)) {
        given.add(name);
      } else if (!name.equals("params")) {
        throw CairnException.invalid("field '" + name + "' is not an input format; the body holds exactly one of "
            + String.join(", ", FORMATS) + " and optionally params");
      }
    }
    if (given.size() != 1) {
      throw CairnException.invalid("the body must hold exactly one of " + String.join(", ", FORMATS)
          + (given.isEmpty() ? "; it has none" : "; it has " + String.join(" and ", given)));
    }
    Map<String, Object> params = JsonValues.plain(root.get("params"), "params");
    String format = given.get(0);
    JsonNode input = root.get(format);
    List<Map<String, Object>> rows = switch (format) {
      case "dataframe_split" -> split(input);
      case "dataframe_records" -> records(input, format);
      default -> input.isObject() ? columnar(input, format) : records(input, format);
    };
    return new ScoringRequest(rows, JsonValues.explain(params), null, params);
  }

  private List<Map<String, Object>> split(JsonNode split) {
    if (!split.isObject()) {
      throw CairnException.invalid("dataframe_split must be an object {\"columns\": [...], \"data\": [[...]]}, got "
          + JsonValues.kind(split));
    }
    JsonNode columns = split.get("columns");
    JsonNode data = split.get("data");
    if (columns != null && !columns.isArray()) {
      throw CairnException.invalid("dataframe_split.columns must be an array of column names, got "
          + JsonValues.kind(columns));
    }
    if (data == null || !data.isArray()) {
      throw CairnException.invalid("dataframe_split needs 'data', an array of rows");
    }
    List<String> names = new ArrayList<>();
    if (columns == null) {
      // pandas' split orientation without column names: the values follow the schema's column order
      schema.forEach(f -> names.add(f.name()));
    }
    for (JsonNode c : columns == null ? List.<JsonNode>of() : columns) {
      if (!c.isTextual()) {
        throw CairnException.invalid("dataframe_split.columns must be text, got " + JsonValues.kind(c));
      }
      names.add(c.textValue());
    }
    limits.checkRows(data.size());
    List<Map<String, Object>> rows = new ArrayList<>(data.size());
    for (int r = 0; r < data.size(); r++) {
      JsonNode row = data.get(r);
      if (!row.isArray() || row.size() != names.size()) {
        throw CairnException.invalid("dataframe_split.data row " + r + " must be an array of " + names.size()
            + " values (one per column), got " + (row.isArray() ? row.size() + " values" : JsonValues.kind(row)));
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (int c = 0; c < names.size(); c++) {
        values.put(names.get(c), JsonValues.scalar(row.get(c), "row " + r + " column '" + names.get(c) + "'"));
      }
      rows.add(values);
    }
    return rows;
  }

  private List<Map<String, Object>> records(JsonNode input, String format) {
    if (!input.isArray()) {
      throw CairnException.invalid(format + " must be an array of rows, got " + JsonValues.kind(input));
    }
    limits.checkRows(input.size());
    List<Map<String, Object>> rows = new ArrayList<>(input.size());
    for (int r = 0; r < input.size(); r++) {
      JsonNode row = input.get(r);
      Map<String, Object> values = new LinkedHashMap<>();
      if (row.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> fields = row.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> e = fields.next();
          values.put(e.getKey(), JsonValues.scalar(e.getValue(), "row " + r + " column '" + e.getKey() + "'"));
        }
      } else if (row.isArray() && !format.equals("dataframe_records")) {
        // a tensor row: values in the schema's column order
        if (row.size() != schema.size()) {
          throw CairnException.invalid(format + " row " + r + " has " + row.size() + " values; a row given as an"
              + " array needs " + schema.size() + " values in the order " + schema.stream().map(InputField::name)
              .toList());
        }
        for (int c = 0; c < schema.size(); c++) {
          String name = schema.get(c).name();
          values.put(name, JsonValues.scalar(row.get(c), "row " + r + " column '" + name + "'"));
        }
      } else {
        throw CairnException.invalid(format + " row " + r + " must be an object of column values"
            + (format.equals("dataframe_records") ? "" : " or an array in the schema's column order") + ", got "
            + JsonValues.kind(row));
      }
      rows.add(values);
    }
    return rows;
  }

  private List<Map<String, Object>> columnar(JsonNode input, String format) {
    int n = -1;
    String first = null;
    Iterator<Map.Entry<String, JsonNode>> fields = input.fields();
    List<Map.Entry<String, JsonNode>> columns = new ArrayList<>();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (!e.getValue().isArray()) {
        throw CairnException.invalid(format + "." + e.getKey() + " must be an array of the column's values, got "
            + JsonValues.kind(e.getValue()));
      }
      if (n >= 0 && e.getValue().size() != n) {
        throw CairnException.invalid(format + "." + e.getKey() + " has " + e.getValue().size() + " values but "
            + format + "." + first + " has " + n + "; every column needs the same number of values");
      }
      n = e.getValue().size();
      first = first == null ? e.getKey() : first;
      columns.add(e);
    }
    limits.checkRows(Math.max(n, 0));
    List<Map<String, Object>> rows = new ArrayList<>(Math.max(n, 0));
    for (int r = 0; r < n; r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> c : columns) {
        row.put(c.getKey(), JsonValues.scalar(c.getValue().get(r), "row " + r + " column '" + c.getKey() + "'"));
      }
      rows.add(row);
    }
    return rows;
  }

  private ScoringRequest decodeCsv(byte[] body) {
    limits.checkBody(body.length);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CsvRows csv = CsvRows.open(new StringReader(new String(body, StandardCharsets.UTF_8)), schema,
        "the CSV body")) {
      List<Map<String, Object>> batch;
      while (!(batch = csv.next(limits.maxRows() + 1 - rows.size())).isEmpty()) {
        rows.addAll(batch);
        limits.checkRows(rows.size());
      }
    }
    return new ScoringRequest(rows, false, null, Map.of());
  }

  /** The response: {@code {"predictions": [...]}}, one record per row. */
  public static ObjectNode encode(Scored scored) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ArrayNode predictions = out.putArray("predictions");
    Predictions p = scored.predictions();
    Explanations e = scored.explanations();
    for (int r = 0; r < p.size(); r++) {
      ObjectNode record = predictions.addObject();
      if (p.task() == Task.CLASSIFICATION) {
        record.put("label", p.labels()[r]);
        if (p.hasProbabilities()) {
          ObjectNode byClass = record.putObject("probabilities");
          for (int c = 0; c < p.classes().size(); c++) {
            byClass.put(p.classes().get(c), p.probabilities()[r][c]);
          }
        }
      } else {
        record.put("value", p.values()[r]);
      }
      if (e != null) {
        ObjectNode contributions = record.putObject("contributions");
        e.byFeature(r).forEach(contributions::put);
        record.put("intercept", e.intercepts()[r]);
      }
    }
    return out;
  }
}
