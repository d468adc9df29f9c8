package dev.cairn.ml.eval;

import dev.cairn.core.CairnException;

/** A column to slice by: its name and one value per evaluated row (null counts as the value "(missing)"). */
public record SliceColumn(String name, String[] values) {
  /** The slice value that stands for a null cell. */
  public static final String MISSING = "(missing)";

  public SliceColumn {
    if (name == null || name.isBlank()) {
      throw CairnException.invalid("slice column name is empty");
    }
    if (values == null) {
      throw CairnException.invalid("slice column '" + name + "' has no values");
    }
  }
}
