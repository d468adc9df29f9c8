package dev.cairn.ml.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.util.List;

/**
 * Writes, with the ONNX protobuf classes, a linear softmax classifier laid out like scikit-learn's converters: a
 * string tensor {@code output_label} and a sequence of label-to-probability maps {@code output_probability}.
 */
final class SklearnStyleModel {
  private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  private static final int STRING = TensorProto.DataType.STRING.getNumber();

  private SklearnStyleModel() {}

  static byte[] build(float[][] weights, List<String> labels) {
    TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(FLOAT)
        .addDims(weights.length).addDims(labels.size());
    for (float[] row : weights) {
      for (float v : row) {
        w.addFloatData(v);
      }
    }
    AttributeProto.Builder classLabels = AttributeProto.newBuilder().setName("classlabels_strings")
        .setType(AttributeProto.AttributeType.STRINGS);
    AttributeProto.Builder encoderKeys = AttributeProto.newBuilder().setName("keys_int64s")
        .setType(AttributeProto.AttributeType.INTS);
    AttributeProto.Builder encoderValues = AttributeProto.newBuilder().setName("values_strings")
        .setType(AttributeProto.AttributeType.STRINGS);
    for (int c = 0; c < labels.size(); c++) {
      classLabels.addStrings(ByteString.copyFromUtf8(labels.get(c)));
      encoderKeys.addInts(c);
      encoderValues.addStrings(ByteString.copyFromUtf8(labels.get(c)));
    }
    GraphProto graph = GraphProto.newBuilder().setName("linear_softmax")
        .addInitializer(w)
        .addInput(tensor("float_input", FLOAT, -1, weights.length))
        .addNode(node("MatMul", "", List.of("float_input", "W"), "logits"))
        .addNode(node("Softmax", "", List.of("logits"), "probabilities").toBuilder()
            .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)))
        .addNode(node("ArgMax", "", List.of("probabilities"), "index").toBuilder()
            .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1))
            .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
                .setI(0)))
        .addNode(node("LabelEncoder", "ai.onnx.ml", List.of("index"), "output_label").toBuilder()
            .addAttribute(encoderKeys).addAttribute(encoderValues)
            .addAttribute(AttributeProto.newBuilder().setName("default_string")
                .setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("?"))))
        .addNode(node("ZipMap", "ai.onnx.ml", List.of("probabilities"), "output_probability").toBuilder()
            .addAttribute(classLabels))
        .addOutput(tensor("output_label", STRING, -1))
        .addOutput(ValueInfoProto.newBuilder().setName("output_probability").setType(TypeProto.newBuilder()
            .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(TypeProto.newBuilder()
                .setMapType(TypeProto.Map.newBuilder().setKeyType(STRING)
                    .setValueType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(FLOAT))))))))
        .build();
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("cairn-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(2))
        .setGraph(graph).build().toByteArray();
  }

  private static NodeProto node(String op, String domain, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setDomain(domain).setName(op + "_" + output)
        .addAllInput(inputs).addOutput(output).build();
  }

  private static ValueInfoProto tensor(String name, int type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
  }
}
