package dev.cairn.data.expect;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an {@link Expectation} checks; row-level kinds honour {@code mostly}. */
public enum ExpectationKind {
  /** The column exists. */
  COLUMN_PRESENT(false, false),
  /** Non-missing values parse as {@code type}. */
  TYPE(true, true),
  /** Values are not missing. */
  NOT_NULL(true, true),
  /** Non-missing values are numbers in [min, max]; a value that is not a number fails. */
  RANGE(true, true),
  /** Non-missing values are among {@code values}. */
  ALLOWED_VALUES(true, true),
  /** Non-missing values fully match {@code pattern}. */
  REGEX(true, true),
  /** Non-missing values occur once each. */
  UNIQUE(true, true),
  /** The table has between min and max rows. */
  ROW_COUNT(false, false),
  /** The mean of the numeric values is in [min, max]. */
  MEAN(true, false),
  /** The sample standard deviation of the numeric values is in [min, max]. */
  STD(true, false),
  /** The {@code quantile} (0..1) of the numeric values is in [min, max] (KLL estimate, about 1.3% rank error). */
  QUANTILE(true, false);

  private final boolean needsColumn;
  private final boolean rowLevel;

  ExpectationKind(boolean needsColumn, boolean rowLevel) {
    this.needsColumn = needsColumn;
    this.rowLevel = rowLevel;
  }

  public boolean needsColumn() {
    return needsColumn || this == COLUMN_PRESENT;
  }

  /** True when the kind judges each value, so {@code mostly} applies. */
  public boolean isRowLevel() {
    return rowLevel;
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ExpectationKind parse(String text) {
    for (ExpectationKind k : values()) {
      if (k.id().equalsIgnoreCase(text)) {
        return k;
      }
    }
    throw CairnException.invalid("expectation kind '" + text + "' is unknown; known kinds are "
        + Arrays.stream(values()).map(ExpectationKind::id).collect(Collectors.joining(", ")));
  }
}
