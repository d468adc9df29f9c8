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
 * @param personal true when the column identifies a person: the prediction log hashes or drops it. Absent from the
 *     JSON when false, so bundles written before the flag existed keep their bytes and ids
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputField(String name, ColumnType type, @JsonProperty("allowed_values") List<String> allowedValues,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean personal) {
  public InputField {
    if (name == null || name.isEmpty() || type == null) {
      throw CairnException.invalid("input field needs a 'name' and a 'type'");
    }
    allowedValues = allowedValues == null ? null : List.copyOf(allowedValues);
  }

  /** A field that is not personal. */
  public InputField(String name, ColumnType type, List<String> allowedValues) {
    this(name, type, allowedValues, false);
  }
}
