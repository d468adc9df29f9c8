package dev.cairn.data.schema;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The columns a table is expected to have, in order, with their types, nullability and domains. */
public record Schema(List<ColumnSchema> columns) {
  public Schema {
    columns = List.copyOf(columns == null ? List.of() : columns);
    Set<String> seen = new HashSet<>();
    for (ColumnSchema c : columns) {
      if (!seen.add(c.name())) {
        throw CairnException.invalid("schema column '" + c.name() + "' is declared twice");
      }
    }
  }

  public Optional<ColumnSchema> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public List<String> names() {
    return columns.stream().map(ColumnSchema::name).toList();
  }

  /**
   * This declared schema completed by an inferred one: declared columns win as written, columns only seen in
   * the data are appended with their inferred definition.
   */
  public Schema overriding(Schema inferred) {
    List<ColumnSchema> merged = new ArrayList<>(columns);
    for (ColumnSchema c : inferred.columns()) {
      if (column(c.name()).isEmpty()) {
        merged.add(c);
      }
    }
    return new Schema(merged);
  }
}
