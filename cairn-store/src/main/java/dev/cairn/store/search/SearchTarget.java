package dev.cairn.store.search;

import dev.cairn.store.search.Filter.Entity;
import java.util.Map;
import java.util.Set;

/** What is being searched, and so which entities and attributes a filter or order_by may name. */
public enum SearchTarget {
  RUNS(
      Set.of(Entity.METRIC, Entity.PARAM, Entity.TAG, Entity.ATTRIBUTE, Entity.DATASET),
      Map.of("run_id", false, "run_name", false, "status", false, "user_id", false, "artifact_uri", false,
          "start_time", true, "end_time", true),
      Set.of("run_name", "status", "user_id", "artifact_uri", "start_time", "end_time"),
      Set.of(Entity.METRIC, Entity.PARAM, Entity.TAG, Entity.ATTRIBUTE)),
  EXPERIMENTS(
      Set.of(Entity.TAG, Entity.ATTRIBUTE),
      Map.of("name", false, "creation_time", true, "last_update_time", true),
      Set.of("name", "experiment_id", "creation_time", "last_update_time"),
      Set.of(Entity.ATTRIBUTE)),
  LOGGED_MODELS(
      Set.of(Entity.METRIC, Entity.PARAM, Entity.TAG, Entity.ATTRIBUTE),
      Map.of("name", false, "model_id", false, "model_type", false, "status", false, "source_run_id", false,
          "creation_time", true, "creation_timestamp", true, "last_updated_timestamp", true),
      Set.of("name", "model_id", "model_type", "status", "source_run_id", "creation_time", "creation_timestamp",
          "last_updated_timestamp"),
      Set.of(Entity.METRIC, Entity.ATTRIBUTE));

  /** Which entities a filter may name. */
  final Set<Entity> filterEntities;
  /** Searchable attributes, mapped to whether they are numeric. */
  final Map<String, Boolean> attributes;
  /** Attributes an order_by may name. */
  final Set<String> orderAttributes;
  /** Which entities an order_by may name. */
  final Set<Entity> orderEntities;

  SearchTarget(Set<Entity> filterEntities, Map<String, Boolean> attributes, Set<String> orderAttributes,
      Set<Entity> orderEntities) {
    this.filterEntities = filterEntities;
    this.attributes = attributes;
    this.orderAttributes = orderAttributes;
    this.orderEntities = orderEntities;
  }

  boolean isNumericAttribute(String name) {
    return Boolean.TRUE.equals(attributes.get(name))
        || name.equals("experiment_id") && this == EXPERIMENTS;
  }
}
