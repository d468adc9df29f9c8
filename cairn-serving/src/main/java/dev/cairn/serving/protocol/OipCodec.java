package dev.cairn.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.ml.frame.ColumnType;
import dev.cairn.ml.train.Predictions;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.runtime.Explanations;
import dev.cairn.serving.runtime.Scored;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Open Inference Protocol v2 (KServe, Seldon Core 2, Triton) REST body codec for one model's input and output
 * schema. A request carries either one input tensor per column (shape {@code [n]} or {@code [n, 1]}, named like the
 * column) or a single 2-D tensor {@code [n, k]} whose k columns follow the schema order; the response carries the
 * predicted label (text, {@code BYTES}) or value ({@code FP64}) under the output schema's name, the class
 * probabilities as {@code probabilities} {@code [n, classes]} (the class order in its {@code parameters.classes}), and
 * with {@code parameters.explain: true} the contributions {@code [n, features]} and intercepts {@code [n]}. Malformed
 * bodies are INVALID_PARAMETER_VALUE naming the input, the element or the limit; render them with {@link #error}.
 */
public final class OipCodec {
  /** The numeric datatypes of the protocol. */
  static final Set<String> NUMERIC = Set.of("FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8",
      "UINT16", "UINT32", "UINT64");
  static final Set<String> INTEGRAL = Set.of("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final List<InputField> schema;
  private final Map<String, InputField> byName = new HashMap<>();
  private final OutputSchema output;
  private final Limits limits;

  public OipCodec(List<InputField> schema, OutputSchema output, Limits limits) {
    this.schema = List.copyOf(schema);
    this.output = output;
    this.limits = limits;
    for (InputField f : this.schema) {
      byName.put(f.name(), f);
    }
  }

  /** Decodes an inference request body. */
  public ScoringRequest decode(byte[] body) {
    JsonNode root = JsonValues.parse(body, limits);
    JsonNode idNode = root.get("id");
    if (idNode != null && !idNode.isNull() && !idNode.isTextual()) {
      throw CairnException.invalid("'id' must be text, got " + JsonValues.kind(idNode));
    }
    Map<String, Object> parameters = JsonValues.plain(root.get("parameters"), "parameters");
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw CairnException.invalid("'inputs' must be a non-empty array of tensors {name, shape, datatype, data}, got "
          + (inputs == null ? "nothing" : JsonValues.kind(inputs)));
    }
    List<Tensor> tensors = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      tensors.add(Tensor.read(inputs.get(i), i, limits));
    }
    List<Map<String, Object>> rows = tensors.size() == 1 && tensors.get(0).shape.length == 2
        && tensors.get(0).shape[1] != 1 || tensors.size() == 1 && !byName.containsKey(tensors.get(0).name)
        ? fromMatrix(tensors.get(0)) : fromColumns(tensors);
    return new ScoringRequest(rows, JsonValues.explain(parameters), idNode == null || idNode.isNull() ? null
        : idNode.textValue(), parameters);
  }

  private List<Map<String, Object>> fromMatrix(Tensor t) {
    if (t.shape.length != 2 || t.shape[1] != schema.size()) {
      throw CairnException.invalid("input '" + t.name + "' has shape " + t.shapeText() + "; a single input tensor"
          + " must have shape [rows, " + schema.size() + "] with columns " + names() + " in that order, or send one"
          + " input per column named like the column");
    }
    int n = (int) t.shape[0];
    List<Map<String, Object>> rows = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int c = 0; c < schema.size(); c++) {
        row.put(schema.get(c).name(), t.values.get(r * schema.size() + c));
      }
      rows.add(row);
    }
    return rows;
  }

  private List<Map<String, Object>> fromColumns(List<Tensor> tensors) {
    long n = -1;
    Map<String, Tensor> byColumn = new LinkedHashMap<>();
    for (Tensor t : tensors) {
      InputField f = byName.get(t.name);
      if (f == null) {
        throw CairnException.invalid("input '" + t.name + "' is not a column of this model; its inputs are "
            + names() + " (one tensor each), or one [rows, " + schema.size() + "] tensor");
      }
      if (byColumn.put(t.name, t) != null) {
        throw CairnException.invalid("input '" + t.name + "' is given twice");
      }
      if (t.shape.length > 2 || t.shape.length == 2 && t.shape[1] != 1) {
        throw CairnException.invalid("input '" + t.name + "' has shape " + t.shapeText() + "; a column input must"
            + " have shape [rows] or [rows, 1]");
      }
      if (n >= 0 && t.shape[0] != n) {
        throw CairnException.invalid("input '" + t.name + "' has " + t.shape[0] + " rows but input '"
            + tensors.get(0).name + "' has " + n + "; every input needs the same number of rows");
      }
      n = t.shape[0];
      if (f.type() == ColumnType.NUMERIC && !NUMERIC.contains(t.datatype)) {
        throw CairnException.invalid("input '" + t.name + "' has datatype " + t.datatype + " but column '" + f.name()
            + "' is numeric; use FP64, FP32 or an INT datatype");
      }
      if (f.type() == ColumnType.CATEGORICAL && !t.datatype.equals("BYTES") && !t.datatype.equals("BOOL")
          && !INTEGRAL.contains(t.datatype)) {
        throw CairnException.invalid("input '" + t.name + "' has datatype " + t.datatype + " but column '" + f.name()
            + "' is categorical; use BYTES (text)");
      }
    }
    for (InputField f : schema) {
      if (!byColumn.containsKey(f.name())) {
        throw CairnException.invalid("input '" + f.name() + "' is missing; the model's inputs are " + names());
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>((int) n);
    for (int r = 0; r < n; r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (InputField f : schema) {
        row.put(f.name(), byColumn.get(f.name()).values.get(r));
      }
      rows.add(row);
    }
    return rows;
  }

  private List<String> names() {
    return schema.stream().map(InputField::name).toList();
  }

  /** The inference response for {@code scored} from model {@code modelName} version {@code version}. */
  public ObjectNode encode(String modelName, String version, String id, Scored scored) {
    ObjectNode out = NODES.objectNode();
    out.put("model_name", modelName);
    if (version != null) {
      out.put("model_version", version);
    }
    if (id != null) {
      out.put("id", id);
    }
    ArrayNode outputs = out.putArray("outputs");
    Predictions p = scored.predictions();
    int n = p.size();
    if (p.task() == Task.CLASSIFICATION) {
      ArrayNode labels = tensor(outputs, output.name(), "BYTES", n);
      for (String label : p.labels()) {
        labels.add(label);
      }
      if (p.hasProbabilities()) {
        ObjectNode t = outputs.addObject();
        t.put("name", "probabilities");
        t.putArray("shape").add(n).add(p.classes().size());
        t.put("datatype", "FP64");
        t.putObject("parameters").set("classes", strings(p.classes()));
        ArrayNode data = t.putArray("data");
        for (double[] row : p.probabilities()) {
          for (double v : row) {
            data.add(v);
          }
        }
      }
    } else {
      ArrayNode values = tensor(outputs, output.name(), "FP64", n);
      for (double v : p.values()) {
        values.add(v);
      }
    }
    Explanations e = scored.explanations();
    if (e != null) {
      ObjectNode t = outputs.addObject();
      t.put("name", "contributions");
      t.putArray("shape").add(n).add(e.features().size());
      t.put("datatype", "FP64");
      ObjectNode params = t.putObject("parameters");
      params.set("features", strings(e.features()));
      if (e.explained() != null) {
        params.set("explained_class", strings(List.of(e.explained())));
      }
      ArrayNode data = t.putArray("data");
      for (double[] row : e.contributions()) {
        for (double v : row) {
          data.add(v);
        }
      }
      ArrayNode intercepts = tensor(outputs, "intercepts", "FP64", n);
      for (double v : e.intercepts()) {
        intercepts.add(v);
      }
    }
    return out;
  }

  private static ArrayNode tensor(ArrayNode outputs, String name, String datatype, int n) {
    ObjectNode t = outputs.addObject();
    t.put("name", name);
    t.putArray("shape").add(n);
    t.put("datatype", datatype);
    return t.putArray("data");
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  /**
   * The model metadata response ({@code GET /v2/models/{name}}): name, versions, platform and the input and output
   * tensors a request may use (one per column, shape {@code [-1]}).
   */
  public ObjectNode metadata(String modelName, List<String> versions, String platform) {
    ObjectNode out = NODES.objectNode();
    out.put("name", modelName);
    out.set("versions", strings(versions));
    out.put("platform", platform);
    ArrayNode inputs = out.putArray("inputs");
    for (InputField f : schema) {
      ObjectNode t = inputs.addObject();
      t.put("name", f.name());
      t.put("datatype", f.type() == ColumnType.NUMERIC ? "FP64" : "BYTES");
      t.putArray("shape").add(-1);
    }
    ArrayNode outputs = out.putArray("outputs");
    ObjectNode label = outputs.addObject();
    label.put("name", output.name());
    label.put("datatype", output.task() == Task.CLASSIFICATION ? "BYTES" : "FP64");
    label.putArray("shape").add(-1);
    if (output.probabilities()) {
      ObjectNode probabilities = outputs.addObject();
      probabilities.put("name", "probabilities");
      probabilities.put("datatype", "FP64");
      probabilities.putArray("shape").add(-1).add(output.classes().size());
    }
    return out;
  }

  /** The protocol's error body: {@code {"error": message}}. */
  public static ObjectNode error(String message) {
    ObjectNode out = NODES.objectNode();
    out.put("error", message);
    return out;
  }

  /** One input tensor, its data flattened row-major into row values. */
  private record Tensor(String name, long[] shape, String datatype, List<Object> values) {
    String shapeText() {
      return java.util.Arrays.toString(shape);
    }

    static Tensor read(JsonNode node, int index, Limits limits) {
      String where = "inputs[" + index + "]";
      if (node == null || !node.isObject()) {
        throw CairnException.invalid(where + " must be an object {name, shape, datatype, data}, got "
            + JsonValues.kind(node));
      }
      JsonNode nameNode = node.get("name");
      if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isEmpty()) {
        throw CairnException.invalid(where + " needs a 'name' (text)");
      }
      String name = nameNode.textValue();
      String at = "input '" + name + "'";
      JsonNode shapeNode = node.get("shape");
      if (shapeNode == null || !shapeNode.isArray() || shapeNode.isEmpty() || shapeNode.size() > 2) {
        throw CairnException.invalid(at + " needs a 'shape' of one or two dimensions, e.g. [rows] or [rows, columns]");
      }
      long[] shape = new long[shapeNode.size()];
      long count = 1;
      for (int d = 0; d < shape.length; d++) {
        JsonNode s = shapeNode.get(d);
        if (!s.isIntegralNumber() || s.longValue() < 0) {
          throw CairnException.invalid(at + " shape " + shapeNode + " must hold non-negative integers");
        }
        shape[d] = s.longValue();
        if (d == 0) {
          limits.checkRows(shape[0]);
        }
        try {
          count = Math.multiplyExact(count, Math.max(1, shape[d]));
        } catch (ArithmeticException e) {
          throw CairnException.invalid(at + " shape " + shapeNode + " is too large");
        }
      }
      if (shape[0] == 0) {
        throw CairnException.invalid(at + " has no rows (shape " + shapeNode + ")");
      }
      JsonNode dtNode = node.get("datatype");
      String datatype = dtNode == null || !dtNode.isTextual() ? null : dtNode.textValue();
      if (datatype == null || !NUMERIC.contains(datatype) && !datatype.equals("BYTES") && !datatype.equals("BOOL")) {
        throw CairnException.invalid(at + " has datatype " + (dtNode == null ? "nothing" : dtNode)
            + "; use FP64, FP32, INT64, INT32, BOOL or BYTES");
      }
      JsonNode data = node.get("data");
      if (data == null || !data.isArray()) {
        throw CairnException.invalid(at + " needs 'data', an array of " + count + " values");
      }
      List<Object> values = new ArrayList<>((int) Math.min(count, 1 << 20));
      flatten(data, values, at, datatype, count);
      if (values.size() != count) {
        throw CairnException.invalid(at + " has " + values.size() + " values but shape " + shapeNode + " needs "
            + count);
      }
      return new Tensor(name, shape, datatype, values);
    }

    private static void flatten(JsonNode data, List<Object> out, String at, String datatype, long count) {
      for (JsonNode e : data) {
        if (e.isArray()) {
          flatten(e, out, at, datatype, count);
          continue;
        }
        if (out.size() >= count) {
          throw CairnException.invalid(at + " has more values than its shape allows (" + count + ")");
        }
        String where = at + " element " + out.size();
        Object v = JsonValues.scalar(e, where);
        if (v != null && NUMERIC.contains(datatype) && !(v instanceof Number)) {
          throw CairnException.invalid(where + " is " + JsonValues.kind(e) + " '" + e.asText() + "' but the datatype is "
              + datatype);
        }
        if (v instanceof Double d && INTEGRAL.contains(datatype) && d != Math.rint(d)) {
          throw CairnException.invalid(where + " is " + d + " but the datatype is " + datatype + " (whole numbers)");
        }
        if (v != null && datatype.equals("BOOL") && !(v instanceof Boolean)) {
          throw CairnException.invalid(where + " is " + JsonValues.kind(e) + " but the datatype is BOOL");
        }
        if (v instanceof Long l && datatype.startsWith("FP")) {
          v = l.doubleValue();
        }
        out.add(v);
      }
    }
  }
}
