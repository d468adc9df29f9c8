package dev.cairn.ml.transform;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Arrays;
import java.util.Locale;

/** How {@link TransformSpec.Impute} fills missing values; mean and median apply to numeric columns only. */
public enum ImputeStrategy {
  MEAN,
  MEDIAN,
  MOST_FREQUENT,
  CONSTANT;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ImputeStrategy parse(String text) {
    for (ImputeStrategy s : values()) {
      if (s.id().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw CairnException.invalid("impute strategy '" + text + "' is unknown; use one of "
        + Arrays.stream(values()).map(ImputeStrategy::id).toList());
  }
}
