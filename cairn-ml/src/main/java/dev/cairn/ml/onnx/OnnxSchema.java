package dev.cairn.ml.onnx;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.core.CairnException;
import dev.cairn.ml.eval.ModelOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code schema.yaml} of an imported ONNX model: the input columns in the order they fill the model's input
 * tensor, how categorical columns are encoded, and what the output means (class labels or a regression value).
 * Format in docs/evaluation.md.
 *
 * @param inputs columns in tensor order
 * @param inputTensor name of the model input to feed; null = the model's only input
 * @param output the output's meaning
 */
// JSON (inside a bundle's bundle.json) uses the YAML's keys and words; empty parts are left out
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OnnxSchema(List<InputColumn> inputs, @JsonProperty("input_tensor") String inputTensor, Output output) {

  /** Kind of an input column. */
  public enum ColumnType { @JsonProperty("numeric") NUMERIC, @JsonProperty("categorical") CATEGORICAL }

  /**
   * How a categorical column becomes tensor columns: {@code ONE_HOT} gives one column per allowed value (1 for
   * the row's value, 0 otherwise), {@code INDEX} one column holding the value's position in the allowed list.
   */
  public enum Encoding { @JsonProperty("one_hot") ONE_HOT, @JsonProperty("index") INDEX }

  /** One input column. {@code values} and {@code encoding} are set for categorical columns only. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record InputColumn(String name, ColumnType type, List<String> values, Encoding encoding) {
    public InputColumn {
      if (name == null || name.isBlank() || type == null) {
        throw CairnException.invalid("input column needs a name and a type");
      }
      if (type == ColumnType.CATEGORICAL) {
        if (values == null || values.isEmpty()) {
          throw CairnException.invalid("categorical column '" + name + "' needs a non-empty list of values");
        }
        if (new HashSet<>(values).size() != values.size()) {
          throw CairnException.invalid("categorical column '" + name + "' lists a value twice: " + values);
        }
        values = List.copyOf(values);
        encoding = encoding == null ? Encoding.ONE_HOT : encoding;
      } else {
        values = List.of();
        encoding = null;
      }
    }

    /** Number of tensor columns this column fills. */
    public int width() {
      return encoding == Encoding.ONE_HOT ? values.size() : 1;
    }
  }

  /**
   * What the model's output is: {@code classification} with its labels in probability-column order, or
   * {@code regression}. {@code tensor} optionally names the output to read.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Output(String type, List<String> labels, String tensor) {
    public Output {
      if (!"classification".equals(type) && !"regression".equals(type)) {
        throw CairnException.invalid("output type '" + type + "' must be classification or regression");
      }
      labels = labels == null ? List.of() : List.copyOf(labels);
      if ("classification".equals(type) && labels.size() < 2) {
        throw CairnException.invalid("a classification output needs at least two labels, has " + labels);
      }
      if ("regression".equals(type) && !labels.isEmpty()) {
        throw CairnException.invalid("a regression output has no labels, has " + labels);
      }
    }
  }

  public OnnxSchema {
    if (inputs == null || inputs.isEmpty()) {
      throw CairnException.invalid("schema needs at least one input column");
    }
    inputs = List.copyOf(inputs);
    Set<String> names = new HashSet<>();
    for (InputColumn c : inputs) {
      if (!names.add(c.name())) {
        throw CairnException.invalid("input column '" + c.name() + "' is listed twice");
      }
    }
    if (output == null) {
      throw CairnException.invalid("schema needs an output");
    }
  }

  private static final Set<String> TOP_KEYS = new LinkedHashSet<>(List.of("inputs", "input_tensor", "output"));
  private static final Set<String> COLUMN_KEYS = new LinkedHashSet<>(List.of("name", "type", "values", "encoding"));
  private static final Set<String> OUTPUT_KEYS = new LinkedHashSet<>(List.of("type", "labels", "tensor"));

  /** Reads a schema file; errors name the file, line and key. */
  public static OnnxSchema read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw CairnException.notFound("schema file " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** Parses schema YAML; {@code source} (a file name) starts every error message. */
  public static OnnxSchema parse(String yaml, String source) {
    LocatedYaml.Node root = LocatedYaml.read(yaml, source);
    root.onlyKeys(TOP_KEYS);
    List<InputColumn> inputs = new ArrayList<>();
    LocatedYaml.Node inputList = root.required("inputs");
    List<LocatedYaml.Node> items = inputList.list();
    if (items.isEmpty()) {
      throw inputList.error("needs at least one input column");
    }
    Set<String> seen = new HashSet<>();
    for (LocatedYaml.Node item : items) {
      item.onlyKeys(COLUMN_KEYS);
      String name = item.required("name").text();
      if (!seen.add(name)) {
        throw item.required("name").error("column '" + name + "' is listed twice");
      }
      LocatedYaml.Node typeNode = item.required("type");
      ColumnType type = switch (typeNode.text()) {
        case "numeric" -> ColumnType.NUMERIC;
        case "categorical" -> ColumnType.CATEGORICAL;
        default -> throw typeNode.error("'" + typeNode.text() + "' is not a column type; use numeric or categorical");
      };
      LocatedYaml.Node valuesNode = item.optional("values");
      LocatedYaml.Node encodingNode = item.optional("encoding");
      List<String> values = null;
      Encoding encoding = null;
      if (type == ColumnType.NUMERIC) {
        if (valuesNode != null) {
          throw valuesNode.error("numeric column '" + name + "' takes no values list");
        }
        if (encodingNode != null) {
          throw encodingNode.error("numeric column '" + name + "' takes no encoding");
        }
      } else {
        if (valuesNode == null) {
          throw item.required("values").error("categorical column '" + name + "' needs its allowed values");
        }
        values = new ArrayList<>();
        for (LocatedYaml.Node v : valuesNode.list()) {
          if (values.contains(v.text())) {
            throw v.error("value '" + v.text() + "' is listed twice");
          }
          values.add(v.text());
        }
        if (values.isEmpty()) {
          throw valuesNode.error("categorical column '" + name + "' needs at least one allowed value");
        }
        if (encodingNode != null) {
          encoding = switch (encodingNode.text()) {
            case "one_hot" -> Encoding.ONE_HOT;
            case "index" -> Encoding.INDEX;
            default -> throw encodingNode.error("'" + encodingNode.text() + "' is not an encoding; use one_hot or index");
          };
        }
      }
      inputs.add(new InputColumn(name, type, values, encoding));
    }
    LocatedYaml.Node tensorNode = root.optional("input_tensor");
    LocatedYaml.Node out = root.required("output");
    out.onlyKeys(OUTPUT_KEYS);
    LocatedYaml.Node outType = out.required("type");
    String kind = outType.text();
    if (!kind.equals("classification") && !kind.equals("regression")) {
      throw outType.error("'" + kind + "' is not an output type; use classification or regression");
    }
    LocatedYaml.Node labelsNode = out.optional("labels");
    List<String> labels = new ArrayList<>();
    if (kind.equals("classification")) {
      if (labelsNode == null) {
        throw out.required("labels").error("a classification output needs its labels in probability column order");
      }
      for (LocatedYaml.Node l : labelsNode.list()) {
        if (labels.contains(l.text())) {
          throw l.error("label '" + l.text() + "' is listed twice");
        }
        labels.add(l.text());
      }
      if (labels.size() < 2) {
        throw labelsNode.error("a classification output needs at least two labels");
      }
    } else if (labelsNode != null) {
      throw labelsNode.error("a regression output takes no labels");
    }
    LocatedYaml.Node outTensor = out.optional("tensor");
    return new OnnxSchema(inputs, tensorNode == null ? null : tensorNode.text(),
        new Output(kind, labels, outTensor == null ? null : outTensor.text()));
  }

  /** Number of columns of the input tensor. */
  public int width() {
    return inputs.stream().mapToInt(InputColumn::width).sum();
  }

  /** Names of the tensor columns: the column name, or {@code name=value} for one-hot columns. */
  public List<String> tensorColumns() {
    List<String> out = new ArrayList<>();
    for (InputColumn c : inputs) {
      if (c.encoding() == Encoding.ONE_HOT) {
        c.values().forEach(v -> out.add(c.name() + "=" + v));
      } else {
        out.add(c.name());
      }
    }
    return out;
  }

  /**
   * Encodes rows (column name to value: a number or numeric text for numeric columns, text for categorical ones)
   * into the input tensor. A missing column, non-numeric number or value outside the allowed list is an error
   * naming the row and column.
   */
  public float[][] encode(List<? extends Map<String, ?>> rows) {
    float[][] out = new float[rows.size()][width()];
    for (int i = 0; i < rows.size(); i++) {
      Map<String, ?> row = rows.get(i);
      int at = 0;
      for (InputColumn c : inputs) {
        Object v = row.get(c.name());
        if (v == null) {
          throw CairnException.invalid("row " + i + " has no value for input column '" + c.name() + "'");
        }
        if (c.type() == ColumnType.NUMERIC) {
          out[i][at++] = (float) number(v, i, c.name());
        } else {
          int index = c.values().indexOf(String.valueOf(v));
          if (index < 0) {
            throw CairnException.invalid("row " + i + " column '" + c.name() + "' is '" + v + "'; allowed values: "
                + String.join(", ", c.values()));
          }
          if (c.encoding() == Encoding.ONE_HOT) {
            out[i][at + index] = 1;
            at += c.values().size();
          } else {
            out[i][at++] = index;
          }
        }
      }
    }
    return out;
  }

  private static double number(Object v, int row, String column) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw CairnException.invalid("row " + row + " column '" + column + "' is '" + v + "'; it must be a number");
    }
  }

  /**
   * Checks the schema fits the model: the input tensor exists and takes {@link #width()} columns, and a named
   * output exists. Returns the model for chaining.
   */
  public OnnxModel check(OnnxModel model) {
    List<TensorSpec> modelInputs = model.inputs();
    if (inputTensor != null && modelInputs.stream().noneMatch(t -> t.name().equals(inputTensor))) {
      throw CairnException.invalid("schema input_tensor '" + inputTensor + "' is not an input of the model; inputs: "
          + modelInputs.stream().map(TensorSpec::name).toList());
    }
    if (modelInputs.size() != 1) {
      throw CairnException.invalid("the model has " + modelInputs.size() + " inputs; Cairn feeds exactly one");
    }
    long width = model.inputWidth();
    if (width > 0 && width != width()) {
      throw CairnException.invalid("the schema's inputs make " + width() + " tensor columns " + tensorColumns()
          + " but the model input '" + modelInputs.get(0).name() + "' takes " + width);
    }
    if (output.tensor() != null && model.outputs().stream().noneMatch(t -> t.name().equals(output.tensor()))) {
      throw CairnException.invalid("schema output tensor '" + output.tensor() + "' is not an output of the model; "
          + "outputs: " + model.outputs().stream().map(TensorSpec::name).toList());
    }
    return model;
  }

  /** Encodes the rows and runs the model, answering as the schema's output type says. */
  public ModelOutput predict(OnnxModel model, List<? extends Map<String, ?>> rows) {
    float[][] batch = encode(rows);
    return "classification".equals(output.type()) ? model.classify(batch, output.labels()) : model.regress(batch);
  }

  /** The schema as YAML in the documented format (canonical: fixed key order, explicit encodings). */
  public String toYaml() {
    StringBuilder s = new StringBuilder("inputs:\n");
    for (InputColumn c : inputs) {
      s.append("  - name: ").append(quote(c.name())).append('\n');
      s.append("    type: ").append(c.type().name().toLowerCase(Locale.ROOT)).append('\n');
      if (c.type() == ColumnType.CATEGORICAL) {
        s.append("    values: [").append(String.join(", ", c.values().stream().map(OnnxSchema::quote).toList()))
            .append("]\n");
        s.append("    encoding: ").append(c.encoding().name().toLowerCase(Locale.ROOT)).append('\n');
      }
    }
    if (inputTensor != null) {
      s.append("input_tensor: ").append(quote(inputTensor)).append('\n');
    }
    s.append("output:\n  type: ").append(output.type()).append('\n');
    if (!output.labels().isEmpty()) {
      s.append("  labels: [").append(String.join(", ", output.labels().stream().map(OnnxSchema::quote).toList()))
          .append("]\n");
    }
    if (output.tensor() != null) {
      s.append("  tensor: ").append(quote(output.tensor())).append('\n');
    }
    return s.toString();
  }

  // Always double-quoted so values like "yes", "1" or "null" stay strings when read back.
  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
