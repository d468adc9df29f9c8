package dev.cairn.ml.onnx;

import dev.cairn.core.CairnException;
import java.util.List;

/**
 * One input or output of an ONNX model as ONNX Runtime describes it.
 *
 * @param name the node name used to feed or fetch it
 * @param kind {@code tensor}, {@code sequence}, {@code map} or {@code other}
 * @param type element type: ONNX Runtime's Java type name for tensors ({@code FLOAT}, {@code INT64},
 *     {@code STRING}...), {@code map(KEY,VALUE)} for a sequence of maps or a map
 * @param shape tensor dimensions, -1 where symbolic (e.g. the batch dimension); empty for non-tensors
 */
public record TensorSpec(String name, String kind, String type, List<Long> shape) {
  public TensorSpec {
    if (name == null || kind == null || type == null) {
      throw CairnException.invalid("tensor spec needs name, kind and type");
    }
    shape = List.copyOf(shape);
  }
}
