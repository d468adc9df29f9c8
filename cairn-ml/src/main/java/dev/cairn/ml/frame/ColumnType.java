package dev.cairn.ml.frame;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Locale;

/** The two storage kinds of a {@link Frame} column: numbers (NaN = missing) or text categories (null = missing). */
public enum ColumnType {
  NUMERIC,
  CATEGORICAL;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ColumnType parse(String text) {
    for (ColumnType t : values()) {
      if (t.id().equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw CairnException.invalid("column type '" + text + "' is unknown; use numeric or categorical");
  }
}
