package dev.cairn.ml.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cairn.core.CairnException;
import dev.cairn.ml.frame.ColumnType;
import java.util.List;

/**
 * One input column a bundle expects in each prediction row.
 *
 * @param name the column name (the key in a prediction row)
 * @param type numeric or categorical
 * @param allowedValues the categories seen in training, sorted; null for numeric columns
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputField(String name, ColumnType type, @JsonProperty("allowed_values") List<String> allowedValues) {
  public InputField {
    if (name == null || name.isEmpty() || type == null) {
      throw CairnException.invalid("input field needs a 'name' and a 'type'");
    }
    allowedValues = allowedValues == null ? null : List.copyOf(allowedValues);
  }
}
