package dev.cairn.data.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The logical type of a column, as inferred from values or declared in a schema file. */
public enum DataType {
  INTEGER,
  FLOAT,
  BOOLEAN,
  /** A string with a small closed domain of values. */
  CATEGORICAL,
  /** A string with too many distinct values to be a category. */
  TEXT,
  /** ISO-8601 date ({@code 2024-05-01}) or date-time ({@code 2024-05-01T10:00:00Z}). */
  TIMESTAMP,
  /** No non-missing value was seen. */
  UNKNOWN;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isNumeric() {
    return this == INTEGER || this == FLOAT;
  }

  @JsonCreator
  public static DataType parse(String text) {
    for (DataType t : values()) {
      if (t.id().equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw CairnException.invalid("type '" + text + "' is unknown; known types are "
        + Arrays.stream(values()).map(DataType::id).collect(Collectors.joining(", ")));
  }
}
