package dev.cairn.data.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.CairnException;
import java.util.List;

/**
 * One column of a {@link Schema}.
 *
 * @param name column name as in the header or JSON key
 * @param type logical type
 * @param nullable whether missing values are allowed
 * @param domain allowed values for categorical and boolean columns; null when open
 * @param min smallest observed (or allowed) value for numeric columns; null when unknown
 * @param max largest observed (or allowed) value for numeric columns; null when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnSchema(String name, DataType type, Boolean nullable, List<String> domain, Double min, Double max) {
  public ColumnSchema {
    if (name == null || name.isEmpty()) {
      throw CairnException.invalid("column 'name' is missing or empty");
    }
    if (type == null) {
      throw CairnException.invalid("column '" + name + "' has no 'type'");
    }
    nullable = nullable == null ? Boolean.TRUE : nullable;
    domain = domain == null ? null : List.copyOf(domain);
    if (min != null && max != null && min > max) {
      throw CairnException.invalid("column '" + name + "' has min " + min + " above max " + max);
    }
  }

  public boolean isNullable() {
    return nullable;
  }
}
