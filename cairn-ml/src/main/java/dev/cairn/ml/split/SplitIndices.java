package dev.cairn.ml.split;

import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.Frame;

/**
 * The row indexes of each part of a split, each array ascending; together they cover every row exactly once.
 *
 * @param train rows to train on
 * @param validation rows for validation (empty when not asked for)
 * @param test rows held out for testing
 */
public record SplitIndices(int[] train, int[] validation, int[] test) {
  public SplitIndices {
    if (train == null || validation == null || test == null) {
      throw CairnException.invalid("split parts must not be null");
    }
  }

  public Frame train(Frame frame) {
    return frame.take(train);
  }

  public Frame validation(Frame frame) {
    return frame.take(validation);
  }

  public Frame test(Frame frame) {
    return frame.take(test);
  }

  public int rowCount() {
    return train.length + validation.length + test.length;
  }
}
