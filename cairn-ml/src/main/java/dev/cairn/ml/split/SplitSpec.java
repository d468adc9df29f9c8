package dev.cairn.ml.split;

import dev.cairn.core.CairnException;

/**
 * How to split a frame's rows: fractions for test and validation (the rest trains), a seed, and optionally a
 * categorical or numeric column whose values the split stratifies by (each value keeps its share in every part).
 *
 * @param testFraction share of rows for the test part, in [0, 1)
 * @param validationFraction share of rows for the validation part, in [0, 1); 0 for none
 * @param seed the random seed; the same seed and data give the same rows
 * @param stratifyBy the column to stratify by, or null for a plain random split
 */
public record SplitSpec(double testFraction, double validationFraction, long seed, String stratifyBy) {
  public SplitSpec {
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw CairnException.invalid("split 'test_fraction' is " + testFraction + "; it must be in [0, 1)");
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw CairnException.invalid("split 'validation_fraction' is " + validationFraction + "; it must be in [0, 1)");
    }
    if (testFraction + validationFraction >= 1) {
      throw CairnException.invalid("split 'test_fraction' + 'validation_fraction' is "
          + (testFraction + validationFraction) + "; it must be below 1 so rows remain for training");
    }
    if (stratifyBy != null && stratifyBy.isEmpty()) {
      throw CairnException.invalid("split 'stratify_by' is empty; give a column name or leave it out");
    }
  }

  /** A train/test split. */
  public static SplitSpec trainTest(double testFraction, long seed, String stratifyBy) {
    return new SplitSpec(testFraction, 0, seed, stratifyBy);
  }
}
