package dev.cairn.ml.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Locale;

/** What a model predicts: a class label with probabilities, or a number. */
public enum Task {
  CLASSIFICATION,
  REGRESSION;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Task parse(String text) {
    for (Task t : values()) {
      if (t.id().equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw CairnException.invalid("task '" + text + "' is unknown; use classification or regression");
  }
}
