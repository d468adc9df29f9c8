package dev.cairn.ml.frame;

import dev.cairn.core.CairnException;

/** The checks every column makes on construction. */
final class Columns {
  private Columns() {}

  static void check(String name, Object values) {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid("column 'name' is missing or empty");
    }
    if (values == null) {
      throw CairnException.invalid("column '" + name + "' has no values array");
    }
  }
}
