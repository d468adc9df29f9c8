package dev.cairn.ml.transform;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.cairn.core.CairnException;
import java.util.Locale;

/**
 * What one-hot encoding does with a category not seen in training: all-zero features (reported in
 * {@link FeatureMatrix#unknownCategories()}) or an error naming the column and value.
 */
public enum UnknownCategory {
  ZEROS,
  ERROR;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static UnknownCategory parse(String text) {
    for (UnknownCategory u : values()) {
      if (u.id().equalsIgnoreCase(text)) {
        return u;
      }
    }
    throw CairnException.invalid("one_hot 'unknown' is '" + text + "'; use zeros or error");
  }
}
