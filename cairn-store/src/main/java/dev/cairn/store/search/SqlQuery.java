package dev.cairn.store.search;

import java.util.Map;

/**
 * A SQL statement with named parameters ({@code :name}) and their values; values are scalars (String, Long,
 * Integer, Double), never collections, so any Jdbi {@code bind} call takes them.
 */
public record SqlQuery(String sql, Map<String, Object> params) {
  public SqlQuery {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
  }
}
