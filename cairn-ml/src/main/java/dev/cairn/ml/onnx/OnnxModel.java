package dev.cairn.ml.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.eval.ModelOutput;
import dev.cairn.ml.eval.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An ONNX model run by ONNX Runtime on the CPU. It takes one 2-D numeric input (rows x features) and answers
 * with class probabilities (a float tensor, or scikit-learn's sequence of label-to-probability maps, with an
 * optional label tensor) or regression values (a float tensor). Thread-safe; close it to free native memory.
 */
public final class OnnxModel implements AutoCloseable {
  private final OrtSession session;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;

  private OnnxModel(OrtSession session) throws OrtException {
    this.session = session;
    this.inputs = describe(session.getInputInfo());
    this.outputs = describe(session.getOutputInfo());
  }

  /** Loads a model from its serialised bytes. */
  public static OnnxModel load(byte[] bytes) {
    try {
      return new OnnxModel(OrtEnvironment.getEnvironment().createSession(bytes, options()));
    } catch (OrtException e) {
      throw CairnException.invalid("ONNX model cannot be loaded: " + e.getMessage());
    }
  }

  /** Loads a model from a file. */
  public static OnnxModel load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw CairnException.notFound("ONNX model file " + file + " cannot be read: " + e.getMessage());
    }
    try {
      return new OnnxModel(OrtEnvironment.getEnvironment().createSession(bytes, options()));
    } catch (OrtException e) {
      throw CairnException.invalid("ONNX model file " + file + " cannot be loaded: " + e.getMessage());
    }
  }

  private static OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    // One intra-op thread: serving and pipelines run many models side by side and parallelise across requests;
    // ONNX Runtime's default of one thread per core would oversubscribe the machine.
    options.setIntraOpNumThreads(1);
    return options;
  }

  /** The model's inputs, in the order ONNX Runtime lists them. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  /** The model's outputs, in the order ONNX Runtime lists them. */
  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** Number of features per row the input tensor takes, or -1 when the model leaves it symbolic. */
  public long inputWidth() {
    List<Long> shape = input().shape();
    return shape.size() == 2 ? shape.get(1) : -1;
  }

  /** Runs the model and returns every output tensor as a 2-D double array (rows x columns). */
  public Map<String, double[][]> runTensors(float[][] batch) {
    Map<String, double[][]> out = new HashMap<>();
    try (OrtSession.Result result = run(batch)) {
      for (Map.Entry<String, OnnxValue> e : result) {
        if (e.getValue() instanceof OnnxTensor t && isNumeric(t.getInfo().type)) {
          out.put(e.getKey(), toMatrix(e.getKey(), t));
        }
      }
    } catch (OrtException e) {
      throw runFailed(e);
    }
    return out;
  }

  /**
   * Classifies a batch. With a float tensor output, its columns are the probabilities of {@code labels} in
   * order. With a sequence of maps (scikit-learn's ZipMap), each map's keys are the labels; {@code labels} then
   * fixes the column order (null = keys sorted). A string or int64 label tensor, if present, gives the predicted
   * labels; otherwise the most probable label is predicted.
   */
  public ModelOutput.Classes classify(float[][] batch, List<String> labels) {
    try (OrtSession.Result result = run(batch)) {
      double[][] probabilities = null;
      List<String> order = labels;
      String[] predicted = null;
      for (Map.Entry<String, OnnxValue> e : result) {
        OnnxValue v = e.getValue();
        if (v instanceof OnnxSequence seq && probabilities == null) {
          List<Map<String, Double>> rows = mapsOf(seq);
          if (order == null) {
            order = List.copyOf(new TreeSet<>(rows.isEmpty() ? List.of() : rows.get(0).keySet()));
          }
          probabilities = fromMaps(e.getKey(), rows, order);
        } else if (v instanceof OnnxTensor t) {
          OnnxJavaType type = t.getInfo().type;
          long[] shape = t.getInfo().getShape();
          if ((type == OnnxJavaType.STRING || type == OnnxJavaType.INT64) && shape.length == 1 && predicted == null) {
            predicted = labelsOf(t);
          } else if (isFloating(type) && shape.length == 2 && probabilities == null) {
            probabilities = toMatrix(e.getKey(), t);
          }
        }
      }
      if (probabilities == null) {
        throw CairnException.invalid("ONNX model has no probability output (a float tensor rows x classes or a "
            + "sequence of maps); outputs: " + outputs);
      }
      if (order == null) {
        throw CairnException.invalid("labels are required for a model whose probabilities are a plain tensor");
      }
      if (probabilities.length > 0 && probabilities[0].length != order.size()) {
        throw CairnException.invalid("ONNX model gives " + probabilities[0].length + " probabilities per row but "
            + order.size() + " labels were declared " + order);
      }
      if (predicted == null) {
        predicted = argmax(probabilities, order);
      }
      for (String p : predicted) {
        if (!order.contains(p)) {
          throw CairnException.invalid("ONNX model predicted label '" + p + "', not one of the labels " + order);
        }
      }
      return new ModelOutput.Classes(order, predicted, probabilities);
    } catch (OrtException e) {
      throw runFailed(e);
    }
  }

  /** Predicts one value per row from the first numeric output tensor (rows x 1, or rows). */
  public ModelOutput.Values regress(float[][] batch) {
    try (OrtSession.Result result = run(batch)) {
      for (Map.Entry<String, OnnxValue> e : result) {
        if (e.getValue() instanceof OnnxTensor t && isNumeric(t.getInfo().type)) {
          double[][] m = toMatrix(e.getKey(), t);
          double[] values = new double[m.length];
          for (int i = 0; i < m.length; i++) {
            if (m[i].length != 1) {
              throw CairnException.invalid("ONNX output '" + e.getKey() + "' has " + m[i].length
                  + " values per row; a regressor must give exactly one");
            }
            values[i] = m[i][0];
          }
          return new ModelOutput.Values(values);
        }
      }
      throw CairnException.invalid("ONNX model has no numeric output tensor; outputs: " + outputs);
    } catch (OrtException e) {
      throw runFailed(e);
    }
  }

  /** This model as a classifier for evaluation and permutation importance. */
  public Predictor asClassifier(List<String> labels) {
    return features -> classify(toFloats(features), labels);
  }

  /** This model as a regressor for evaluation and permutation importance. */
  public Predictor asRegressor() {
    return features -> regress(toFloats(features));
  }

  /** Converts double rows to the float rows ONNX models take. */
  public static float[][] toFloats(double[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new float[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) rows[i][j];
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "ONNX session cannot be closed: " + e.getMessage(), e);
    }
  }

  private TensorSpec input() {
    if (inputs.size() != 1) {
      throw CairnException.invalid("ONNX model has " + inputs.size() + " inputs " + inputs
          + "; Cairn feeds models with exactly one rows x features input");
    }
    return inputs.get(0);
  }

  private OrtSession.Result run(float[][] batch) throws OrtException {
    TensorSpec in = input();
    long width = inputWidth();
    for (int i = 0; i < batch.length; i++) {
      if (width > 0 && batch[i].length != width) {
        throw CairnException.invalid("row " + i + " has " + batch[i].length + " features but ONNX input '"
            + in.name() + "' takes " + width);
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor tensor = switch (in.type()) {
      case "FLOAT" -> OnnxTensor.createTensor(env, batch);
      case "DOUBLE" -> OnnxTensor.createTensor(env, toDoubles(batch));
      default -> throw CairnException.invalid("ONNX input '" + in.name() + "' has element type " + in.type()
          + "; only FLOAT and DOUBLE inputs are supported");
    }) {
      return session.run(Map.of(in.name(), tensor));
    }
  }

  private static double[][] toDoubles(float[][] batch) {
    double[][] out = new double[batch.length][];
    for (int i = 0; i < batch.length; i++) {
      out[i] = new double[batch[i].length];
      for (int j = 0; j < batch[i].length; j++) {
        out[i][j] = batch[i][j];
      }
    }
    return out;
  }

  private static boolean isFloating(OnnxJavaType type) {
    return type == OnnxJavaType.FLOAT || type == OnnxJavaType.DOUBLE;
  }

  private static boolean isNumeric(OnnxJavaType type) {
    return isFloating(type) || type == OnnxJavaType.INT64 || type == OnnxJavaType.INT32;
  }

  private static double[][] toMatrix(String name, OnnxTensor t) throws OrtException {
    long[] shape = t.getInfo().getShape();
    int rows = shape.length == 0 ? 1 : (int) shape[0];
    int cols = shape.length <= 1 ? 1 : (int) Arrays.stream(shape).skip(1).reduce(1, (a, b) -> a * b);
    double[][] out = new double[rows][cols];
    switch (t.getInfo().type) {
      case FLOAT -> {
        var b = t.getFloatBuffer();
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            out[i][j] = b.get();
          }
        }
      }
      case DOUBLE -> {
        var b = t.getDoubleBuffer();
        for (int i = 0; i < rows; i++) {
          b.get(out[i]);
        }
      }
      case INT64 -> {
        var b = t.getLongBuffer();
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            out[i][j] = b.get();
          }
        }
      }
      case INT32 -> {
        var b = t.getIntBuffer();
        for (int i = 0; i < rows; i++) {
          for (int j = 0; j < cols; j++) {
            out[i][j] = b.get();
          }
        }
      }
      default -> throw CairnException.invalid("ONNX output '" + name + "' has element type " + t.getInfo().type
          + ", not a number");
    }
    return out;
  }

  private static String[] labelsOf(OnnxTensor t) throws OrtException {
    if (t.getInfo().type == OnnxJavaType.STRING) {
      return (String[]) t.getValue();
    }
    long[] ids = (long[]) t.getValue();
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Long.toString(ids[i]);
    }
    return out;
  }

  private static List<Map<String, Double>> mapsOf(OnnxSequence seq) throws OrtException {
    List<Map<String, Double>> rows = new ArrayList<>();
    for (OnnxValue element : seq.getValue()) {
      if (!(element instanceof OnnxMap map)) {
        throw CairnException.invalid("ONNX sequence output holds " + element.getType() + ", not maps");
      }
      Map<String, Double> row = new HashMap<>();
      for (Map.Entry<?, ?> e : map.getValue().entrySet()) {
        row.put(String.valueOf(e.getKey()), ((Number) e.getValue()).doubleValue());
      }
      rows.add(row);
    }
    return rows;
  }

  private static double[][] fromMaps(String name, List<Map<String, Double>> rows, List<String> labels) {
    double[][] out = new double[rows.size()][labels.size()];
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).keySet().equals(new java.util.HashSet<>(labels))) {
        throw CairnException.invalid("ONNX output '" + name + "' row " + i + " has labels "
            + new TreeSet<>(rows.get(i).keySet()) + " but the declared labels are " + labels);
      }
      for (int c = 0; c < labels.size(); c++) {
        out[i][c] = rows.get(i).get(labels.get(c));
      }
    }
    return out;
  }

  private static String[] argmax(double[][] probabilities, List<String> labels) {
    String[] out = new String[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      int best = 0;
      for (int c = 1; c < probabilities[i].length; c++) {
        if (probabilities[i][c] > probabilities[i][best]) {
          best = c;
        }
      }
      out[i] = labels.get(best);
    }
    return out;
  }

  private static CairnException runFailed(OrtException e) {
    return CairnException.invalid("ONNX model run failed: " + e.getMessage());
  }

  private static List<TensorSpec> describe(Map<String, NodeInfo> nodes) {
    List<TensorSpec> out = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      if (node.getInfo() instanceof TensorInfo t) {
        out.add(new TensorSpec(node.getName(), "tensor", t.type.name(),
            Arrays.stream(t.getShape()).boxed().toList()));
      } else if (node.getInfo() instanceof SequenceInfo s) {
        String type = s.isSequenceOfMaps() ? "map(" + s.mapInfo.keyType + "," + s.mapInfo.valueType + ")"
            : String.valueOf(s.sequenceType);
        out.add(new TensorSpec(node.getName(), "sequence", type, List.of()));
      } else if (node.getInfo() instanceof MapInfo m) {
        out.add(new TensorSpec(node.getName(), "map", "map(" + m.keyType + "," + m.valueType + ")", List.of()));
      } else {
        out.add(new TensorSpec(node.getName(), "other", String.valueOf(node.getInfo()), List.of()));
      }
    }
    return List.copyOf(out);
  }
}
