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
  /** Registered models, as MLflow's search-registered-models: {@code name} and tags (rows of registered_models). */
  REGISTERED_MODELS(
      Set.of(Entity.TAG, Entity.ATTRIBUTE),
      Map.of("name", false),
      Set.of("name", "creation_timestamp", "timestamp", "last_updated_timestamp"),
      Set.of(Entity.ATTRIBUTE),
      Map.of("name", "registered_models.name", "creation_timestamp", "registered_models.creation_time",
          "timestamp", "registered_models.creation_time", "last_updated_timestamp", "registered_models.last_updated_time"),
      Set.of()),
  /** Model versions, as MLflow's search-model-versions (rows of model_versions joined to registered_models). */
  MODEL_VERSIONS(
      Set.of(Entity.TAG, Entity.ATTRIBUTE),
      Map.of("name", false, "run_id", false, "source_path", false, "version_number", true),
      Set.of("name", "version_number", "creation_timestamp", "timestamp", "last_updated_timestamp"),
      Set.of(Entity.ATTRIBUTE),
      Map.of("name", "registered_models.name", "run_id", "model_versions.run_id",
          "source_path", "model_versions.source", "version_number", "model_versions.version",
          "creation_timestamp", "model_versions.creation_time", "timestamp", "model_versions.creation_time",
          "last_updated_timestamp", "model_versions.last_updated_time"),
      Set.of("run_id")),
  /** MLflow 3 logged models; their SQL is rendered by the logged-models store itself. */
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

  /** SQL column of each attribute, for targets whose attributes are not plain columns of one table. */
  private final Map<String, String> columns;
  /** Attributes whose column may be NULL (a comparison on them is made false, not unknown). */
  final Set<String> nullableAttributes;

  SearchTarget(Set<Entity> filterEntities, Map<String, Boolean> attributes, Set<String> orderAttributes,
      Set<Entity> orderEntities) {
    this(filterEntities, attributes, orderAttributes, orderEntities, Map.of(), Set.of());
  }

  SearchTarget(Set<Entity> filterEntities, Map<String, Boolean> attributes, Set<String> orderAttributes,
      Set<Entity> orderEntities, Map<String, String> columns, Set<String> nullableAttributes) {
    this.filterEntities = filterEntities;
    this.attributes = attributes;
    this.orderAttributes = orderAttributes;
    this.orderEntities = orderEntities;
    this.columns = columns;
    this.nullableAttributes = nullableAttributes;
  }

  /** The SQL column an attribute reads, e.g. {@code runs.status} or {@code model_versions.source}. */
  String column(String attribute) {
    String column = columns.get(attribute);
    return column != null ? column : (this == RUNS ? "runs." : "experiments.") + attribute;
  }

  boolean isNumericAttribute(String name) {
    return Boolean.TRUE.equals(attributes.get(name))
        || name.equals("experiment_id") && this == EXPERIMENTS
        || name.endsWith("timestamp") && columns.containsKey(name);
  }
}
