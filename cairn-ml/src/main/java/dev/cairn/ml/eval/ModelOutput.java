package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;
import java.util.List;

/** What a {@link Predictor} returns for a batch of rows: class labels with probabilities, or values. */
public sealed interface ModelOutput permits ModelOutput.Classes, ModelOutput.Values {

  /** Number of rows predicted. */
  int size();

  /** A classifier's answer: predicted label per row and, optionally, probabilities in {@code labels} order. */
  record Classes(List<String> labels, String[] predicted, double[][] probabilities) implements ModelOutput {
    public Classes {
      if (labels == null || labels.isEmpty() || predicted == null) {
        throw CairnException.invalid("a classifier output needs labels and predicted labels");
      }
      labels = List.copyOf(labels);
    }

    @Override
    public int size() {
      return predicted.length;
    }
  }

  /** A regressor's answer: one value per row. */
  record Values(double[] values) implements ModelOutput {
    public Values {
      if (values == null) {
        throw CairnException.invalid("a regressor output needs values");
      }
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
