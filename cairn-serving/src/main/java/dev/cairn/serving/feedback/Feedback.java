package dev.cairn.serving.feedback;

import dev.cairn.core.CairnException;

/**
 * The truth learnt later about one row of a logged prediction: a classifier's true {@code label} or a regressor's
 * true {@code value} (exactly one of them).
 *
 * @param row which row of the prediction's request, from 0
 */
public record Feedback(String predictionId, int row, String label, Double value) {
  public static final int MAX_LABEL_LENGTH = 1000;

  public Feedback {
    if (predictionId == null || predictionId.isEmpty() || predictionId.length() > 64) {
      throw CairnException.invalid("field 'prediction_id' must be 1 to 64 characters, got "
          + (predictionId == null ? "none" : predictionId.length()));
    }
    if (row < 0) {
      throw CairnException.invalid("field 'row' is " + row + "; it must be 0 or more");
    }
    if ((label == null) == (value == null)) {
      throw CairnException.invalid("feedback for prediction '" + predictionId + "' needs exactly one of 'label' (a"
          + " classifier's true class) or 'value' (a regressor's true value)");
    }
    if (label != null && label.length() > MAX_LABEL_LENGTH) {
      throw CairnException.invalid("field 'label' is " + label.length() + " characters; at most "
          + MAX_LABEL_LENGTH);
    }
    if (value != null && !Double.isFinite(value)) {
      throw CairnException.invalid("field 'value' is " + value + "; it must be a finite number");
    }
  }
}
