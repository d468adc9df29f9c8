package dev.cairn.store.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Health;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.ModelStage;
import dev.cairn.registry.ModelUri;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.ModelVersionStatus;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.registry.RegistryNames;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.search.SearchSql;
import dev.cairn.store.search.SqlQuery;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.webhooks.WebhookEvents;
import dev.cairn.tracking.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The MLflow-compatible model registry (registered models, their versions, tags, aliases and stages) in the
 * shared database ({@link SqlDatabase}, migrated with {@link #MIGRATIONS}). Every refused call changes nothing:
 * inputs are checked before writing and each change is one write. Errors: an unknown model, version or alias is
 * RESOURCE_DOES_NOT_EXIST; a taken name RESOURCE_ALREADY_EXISTS; a bad name, alias, tag, stage, filter or page
 * INVALID_PARAMETER_VALUE. Version numbers count from 1 per model without gaps, also under concurrent creation.
 */
public final class ModelRegistryStore implements Component, AutoCloseable {
  /** Where Flyway finds the registry's migrations (V20..V29); every open of a database applies them. */
  public static final String MIGRATIONS = "classpath:db/registry";
  public static final int DEFAULT_MODELS_PAGE = 100;
  public static final int MAX_MODELS_PAGE = 1000;
  public static final int DEFAULT_VERSIONS_PAGE = 10_000;
  public static final int MAX_VERSIONS_PAGE = 200_000;
  static final int MAX_DESCRIPTION_LENGTH = 100_000;
  private static final String DELETED = SearchSql.DELETED_VERSION_STAGE;

  private final SqlDatabase db;
  private final boolean ownsDatabase;
  private final RegistryEvents events;

  private ModelRegistryStore(SqlDatabase db, boolean ownsDatabase, RegistryEvents events) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    this.events = events;
  }

  /** Opens the database a backend store URI names, migrated with this module's migrations (tracking, registry). */
  public static ModelRegistryStore open(String backendStoreUri) {
    return new ModelRegistryStore(MetadataStores.openDatabase(backendStoreUri, List.of(MIGRATIONS)), true,
        RegistryEvents.NONE);
  }

  /** The store on a database already open and migrated with {@link #MIGRATIONS}; closing it leaves the database open. */
  public static ModelRegistryStore on(SqlDatabase database) {
    return on(database, RegistryEvents.NONE);
  }

  /** As {@link #on(SqlDatabase)}, reporting changes to {@code events} (the server's webhooks). */
  public static ModelRegistryStore on(SqlDatabase database, RegistryEvents events) {
    return new ModelRegistryStore(database, false, events);
  }

  /** Where this store reports its changes; the promotion store on the same registry reports to the same place. */
  RegistryEvents events() {
    return events;
  }

  /** What a new version is made from; the store assigns the number, times, stage (None) and status (READY). */
  public record NewModelVersion(String name, String source, String runId, String runLink, String description,
      Map<String, String> tags, String userId, String modelId) {
    public NewModelVersion {
      RegistryNames.requireModelName(name);
      if (source == null || source.isEmpty()) {
        throw CairnException.invalid("Missing value for required parameter 'source': a model version needs the "
            + "location of its files (e.g. runs:/RUN_ID/model)");
      }
      tags = tags == null ? Map.of() : Map.copyOf(tags);
      tags.forEach((k, v) -> RegistryNames.requireTag("Model version", k, v));
      checkDescription(description);
    }
  }

  // ---------------------------------------------------------------- registered models

  /** Creates a model with no versions; RESOURCE_ALREADY_EXISTS when the name is taken. */
  public RegisteredModel createRegisteredModel(String name, String description, Map<String, String> tags) {
    RegistryNames.requireModelName(name);
    checkDescription(description);
    Map<String, String> checkedTags = tags == null ? Map.of() : Map.copyOf(tags);
    checkedTags.forEach((k, v) -> RegistryNames.requireTag("Registered model", k, v));
    return committed(uniqueName(name, () -> db.write(h -> {
      if (findKey(h, name).isPresent()) {
        throw alreadyExists(name);
      }
      long now = System.currentTimeMillis();
      String key = newKey();
      h.createUpdate("INSERT INTO registered_models (model_key, name, creation_time, last_updated_time, description,"
              + " last_version) VALUES (:key, :name, :now, :now, :description, 0)")
          .bind("key", key).bind("name", name).bind("now", now).bind("description", description).execute();
      var batch = h.prepareBatch("INSERT INTO registered_model_tags (model_key, key, value) VALUES (:k, :key, :value)");
      checkedTags.forEach((k, v) -> batch.bind("k", key).bind("key", k).bind("value", v == null ? "" : v).add());
      if (!checkedTags.isEmpty()) {
        batch.execute();
      }
      RegisteredModel created = loadModels(h, List.of(key)).get(0);
      ObjectNode data = RegistryEvents.data().put("name", name);
      putIfPresent(data, "description", description);
      data.set("tags", tagObject(checkedTags));
      events.record(h, WebhookEvents.REGISTERED_MODEL_CREATED, data);
      return created;
    })), events);
  }

  public RegisteredModel getRegisteredModel(String name) {
    RegistryNames.requireModelName(name);
    return db.read(h -> loadModels(h, List.of(requireKey(h, name))).get(0));
  }

  /** Renames a model, keeping its versions, tags and aliases; RESOURCE_ALREADY_EXISTS when newName is taken. */
  public RegisteredModel renameRegisteredModel(String name, String newName) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireModelName(newName);
    return uniqueName(newName, () -> db.write(h -> {
      String key = requireKey(h, name);
      if (!name.equals(newName) && findKey(h, newName).isPresent()) {
        throw alreadyExists(newName);
      }
      h.createUpdate("UPDATE registered_models SET name = :newName, last_updated_time = :now WHERE model_key = :key")
          .bind("newName", newName).bind("now", System.currentTimeMillis()).bind("key", key).execute();
      return loadModels(h, List.of(key)).get(0);
    }));
  }

  public RegisteredModel updateRegisteredModel(String name, String description) {
    RegistryNames.requireModelName(name);
    checkDescription(description);
    return db.write(h -> {
      String key = requireKey(h, name);
      h.createUpdate("UPDATE registered_models SET description = :d, last_updated_time = :now WHERE model_key = :key")
          .bind("d", description).bind("now", System.currentTimeMillis()).bind("key", key).execute();
      return loadModels(h, List.of(key)).get(0);
    });
  }

  /** Deletes a model with all its versions, tags and aliases (MLflow deletes registered models outright). */
  public void deleteRegisteredModel(String name) {
    RegistryNames.requireModelName(name);
    db.write(h -> {
      String key = requireKey(h, name);
      Aliases.requireNoPolicies(h, key, name);
      // child rows first: SQLite may run without foreign-key enforcement on some connections
      Aliases.deleteGovernanceRows(h, key);
      h.createUpdate("DELETE FROM registered_model_aliases WHERE model_key = :key").bind("key", key).execute();
      h.createUpdate("DELETE FROM model_version_tags WHERE version_id IN"
          + " (SELECT version_id FROM model_versions WHERE model_key = :key)").bind("key", key).execute();
      h.createUpdate("DELETE FROM model_versions WHERE model_key = :key").bind("key", key).execute();
      h.createUpdate("DELETE FROM registered_model_tags WHERE model_key = :key").bind("key", key).execute();
      h.createUpdate("DELETE FROM registered_models WHERE model_key = :key").bind("key", key).execute();
      return null;
    });
  }

  /** MLflow's search-registered-models: filter on {@code name} and {@code tags.KEY}, order by name or times. */
  public Page<RegisteredModel> searchRegisteredModels(String filter, List<String> orderBy, int maxResults,
      String pageToken) {
    int limit = pageSize(maxResults, DEFAULT_MODELS_PAGE, MAX_MODELS_PAGE);
    long offset = PageTokens.decode(pageToken);
    SqlQuery query = SearchSql.registeredModels(filter, orderBy, limit + 1, offset, db.dialect());
    return db.read(h -> {
      List<String> keys = ids(h, query);
      String next = keys.size() > limit ? PageTokens.encode(offset + limit) : null;
      return new Page<>(loadModels(h, keys.subList(0, Math.min(limit, keys.size()))), next);
    });
  }

  public void setRegisteredModelTag(String name, String key, String value) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireTag("Registered model", key, value);
    db.write(h -> {
      String model = requireKey(h, name);
      h.createUpdate("DELETE FROM registered_model_tags WHERE model_key = :m AND key = :key")
          .bind("m", model).bind("key", key).execute();
      h.createUpdate("INSERT INTO registered_model_tags (model_key, key, value) VALUES (:m, :key, :value)")
          .bind("m", model).bind("key", key).bind("value", value == null ? "" : value).execute();
      return null;
    });
  }

  /** Removes a tag; a tag that is not there is no error (the model must exist). */
  public void deleteRegisteredModelTag(String name, String key) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireTag("Registered model", key, null);
    db.write(h -> h.createUpdate("DELETE FROM registered_model_tags WHERE model_key = :m AND key = :key")
        .bind("m", requireKey(h, name)).bind("key", key).execute());
  }

  /** The newest version in each of {@code stages} (all stages when empty) that has one, by version. */
  public List<ModelVersion> getLatestVersions(String name, List<String> stages) {
    RegistryNames.requireModelName(name);
    Set<ModelStage> wanted = EnumSet.noneOf(ModelStage.class);
    for (String s : stages == null ? List.<String>of() : stages) {
      wanted.add(ModelStage.parse(s));
    }
    return db.read(h -> {
      String key = requireKey(h, name);
      List<ModelVersion> latest = latestPerStage(h, List.of(key)).getOrDefault(key, List.of());
      return latest.stream().filter(v -> wanted.isEmpty() || wanted.contains(v.currentStage())).toList();
    });
  }

  // ---------------------------------------------------------------- model versions

  /** Registers a new version, numbered one above the model's newest (deleted ones count). */
  public ModelVersion createModelVersion(NewModelVersion v) {
    return createModelVersion(v, (h, id, created) -> { });
  }

  /** Writes done in the transaction that creates a version, e.g. its manifest: if one throws, nothing is created. */
  @FunctionalInterface
  public interface InSameWrite {
    void write(Handle h, String versionId, ModelVersion created);
  }

  /** As {@link #createModelVersion(NewModelVersion)}, also running {@code alsoWrite} in the same transaction. */
  public ModelVersion createModelVersion(NewModelVersion v, InSameWrite alsoWrite) {
    return committed(db.write(h -> {
      long now = System.currentTimeMillis();
      // Bumping the counter takes the model row's lock on PostgreSQL: concurrent creators queue here.
      int updated = h.createUpdate("UPDATE registered_models SET last_version = last_version + 1,"
              + " last_updated_time = :now WHERE name = :name")
          .bind("now", now).bind("name", v.name()).execute();
      if (updated == 0) {
        throw modelNotFound(v.name());
      }
      Map<String, Object> row = h.createQuery("SELECT model_key, last_version FROM registered_models WHERE name = :name")
          .bind("name", v.name()).mapToMap().one();
      String key = ((String) row.get("model_key")).trim();
      int number = ((Number) row.get("last_version")).intValue();
      String id = newKey();
      h.createUpdate("INSERT INTO model_versions (version_id, model_key, version, creation_time, last_updated_time,"
              + " user_id, current_stage, description, source, run_id, run_link, status, status_message,"
              + " logged_model_id) VALUES (:id, :key, :version, :now, :now, :user, :stage, :description, :source,"
              + " :runId, :runLink, :status, NULL, :modelId)")
          .bind("id", id).bind("key", key).bind("version", number).bind("now", now).bind("user", v.userId())
          .bind("stage", ModelStage.NONE.wire()).bind("description", v.description()).bind("source", v.source())
          .bind("runId", emptyToNull(v.runId())).bind("runLink", emptyToNull(v.runLink()))
          .bind("status", ModelVersionStatus.READY.name()).bind("modelId", emptyToNull(v.modelId()))
          .execute();
      var batch = h.prepareBatch("INSERT INTO model_version_tags (version_id, key, value) VALUES (:id, :key, :value)");
      v.tags().forEach((k, value) -> batch.bind("id", id).bind("key", k).bind("value", value == null ? "" : value).add());
      if (!v.tags().isEmpty()) {
        batch.execute();
      }
      ModelVersion created = loadVersions(h, List.of(id)).get(0);
      alsoWrite.write(h, id, created);
      ObjectNode data = RegistryEvents.data().put("name", v.name()).put("version", Integer.toString(number))
          .put("source", v.source());
      putIfPresent(data, "run_id", emptyToNull(v.runId()));
      putIfPresent(data, "description", v.description());
      data.set("tags", tagObject(v.tags()));
      events.record(h, WebhookEvents.MODEL_VERSION_CREATED, data);
      return created;
    }), events);
  }

  public ModelVersion getModelVersion(String name, int version) {
    RegistryNames.requireModelName(name);
    return db.read(h -> loadVersions(h, List.of(requireVersionId(h, name, version))).get(0));
  }

  public ModelVersion updateModelVersion(String name, int version, String description) {
    RegistryNames.requireModelName(name);
    checkDescription(description);
    return db.write(h -> {
      String id = requireVersionId(h, name, version);
      h.createUpdate("UPDATE model_versions SET description = :d, last_updated_time = :now WHERE version_id = :id")
          .bind("d", description).bind("now", System.currentTimeMillis()).bind("id", id).execute();
      return loadVersions(h, List.of(id)).get(0);
    });
  }

  /**
   * Deletes a version as MLflow's SQL store does: its tags and aliases go, the row stays hidden (stage
   * Deleted_Internal) so its number is never given again.
   */
  public void deleteModelVersion(String name, int version) {
    RegistryNames.requireModelName(name);
    db.write(h -> {
      String id = requireVersionId(h, name, version);
      Aliases.requireNoProtectedAliasOn(h, id, name, version);
      h.createUpdate("DELETE FROM registered_model_aliases WHERE version_id = :id").bind("id", id).execute();
      h.createUpdate("DELETE FROM model_version_tags WHERE version_id = :id").bind("id", id).execute();
      h.createUpdate("UPDATE model_versions SET current_stage = :deleted, description = NULL, source = '',"
              + " run_id = NULL, run_link = NULL, user_id = NULL, status_message = NULL, logged_model_id = NULL,"
              + " last_updated_time = :now WHERE version_id = :id")
          .bind("deleted", DELETED).bind("now", System.currentTimeMillis()).bind("id", id).execute();
      return null;
    });
  }

  /**
   * MLflow's search-model-versions: filter on {@code name}, {@code run_id}, {@code source_path},
   * {@code version_number} and {@code tags.KEY}; order by name, version_number or times.
   */
  public Page<ModelVersion> searchModelVersions(String filter, List<String> orderBy, int maxResults,
      String pageToken) {
    int limit = pageSize(maxResults, DEFAULT_VERSIONS_PAGE, MAX_VERSIONS_PAGE);
    long offset = PageTokens.decode(pageToken);
    SqlQuery query = SearchSql.modelVersions(filter, orderBy, limit + 1, offset, db.dialect());
    return db.read(h -> {
      List<String> ids = ids(h, query);
      String next = ids.size() > limit ? PageTokens.encode(offset + limit) : null;
      return new Page<>(loadVersions(h, ids.subList(0, Math.min(limit, ids.size()))), next);
    });
  }

  public void setModelVersionTag(String name, int version, String key, String value) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireTag("Model version", key, value);
    db.write(h -> {
      String id = requireVersionId(h, name, version);
      h.createUpdate("DELETE FROM model_version_tags WHERE version_id = :id AND key = :key")
          .bind("id", id).bind("key", key).execute();
      h.createUpdate("INSERT INTO model_version_tags (version_id, key, value) VALUES (:id, :key, :value)")
          .bind("id", id).bind("key", key).bind("value", value == null ? "" : value).execute();
      events.record(h, WebhookEvents.MODEL_VERSION_TAG_SET, RegistryEvents.data().put("name", name)
          .put("version", Integer.toString(version)).put("key", key).put("value", value == null ? "" : value));
      return null;
    });
    events.committed();
  }

  /** Removes a tag; a tag that is not there is no error (the version must exist). */
  public void deleteModelVersionTag(String name, int version, String key) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireTag("Model version", key, null);
    db.write(h -> {
      h.createUpdate("DELETE FROM model_version_tags WHERE version_id = :id AND key = :key")
          .bind("id", requireVersionId(h, name, version)).bind("key", key).execute();
      events.record(h, WebhookEvents.MODEL_VERSION_TAG_DELETED, RegistryEvents.data().put("name", name)
          .put("version", Integer.toString(version)).put("key", key));
      return null;
    });
    events.committed();
  }

  /**
   * Moves a version to a stage; with {@code archiveExistingVersions} (only for Staging and Production) the other
   * versions in that stage move to Archived in the same write.
   */
  public ModelVersion transitionStage(String name, int version, ModelStage stage, boolean archiveExistingVersions) {
    RegistryNames.requireModelName(name);
    if (archiveExistingVersions && !stage.canArchiveOthers()) {
      throw CairnException.invalid("archive_existing_versions can only be true when transitioning to Staging or "
          + "Production, not " + stage.wire());
    }
    return db.write(h -> {
      String id = requireVersionId(h, name, version);
      long now = System.currentTimeMillis();
      if (archiveExistingVersions) {
        h.createUpdate("UPDATE model_versions SET current_stage = :archived, last_updated_time = :now"
                + " WHERE model_key = (SELECT model_key FROM model_versions WHERE version_id = :id)"
                + " AND current_stage = :stage AND version_id <> :id")
            .bind("archived", ModelStage.ARCHIVED.wire()).bind("now", now).bind("id", id)
            .bind("stage", stage.wire()).execute();
      }
      h.createUpdate("UPDATE model_versions SET current_stage = :stage, last_updated_time = :now WHERE version_id = :id")
          .bind("stage", stage.wire()).bind("now", now).bind("id", id).execute();
      return loadVersions(h, List.of(id)).get(0);
    });
  }

  // ---------------------------------------------------------------- aliases

  /**
   * Points {@code alias} at {@code version} in one write, replacing any previous holder (one holder per model
   * and alias), and returns the version that held it before, if any: what an audit records and a rollback returns to.
   */
  public Optional<Integer> setAlias(String name, String alias, int version) {
    return setAlias(name, alias, version, null);
  }

  /**
   * As {@link #setAlias(String, String, int)}, recording {@code actor} in the alias's history. An alias a
   * promotion policy protects is refused with PERMISSION_DENIED: it moves only through a promotion request.
   */
  public Optional<Integer> setAlias(String name, String alias, int version, String actor) {
    RegistryNames.requireModelName(name);
    RegistryNames.requireAlias(alias);
    return committed(db.write(h -> {
      String id = requireVersionId(h, name, version);
      String key = requireKey(h, name);
      lockModel(h, key);
      Aliases.requireUnprotected(h, key, name, alias, "set");
      return Aliases.move(h, key, alias, id, version, new Aliases.Why(name, actor, AliasChange.Kind.SET, null, null),
          events);
    }), events);
  }

  /** Removes an alias and returns the version it pointed at; an alias that is not set is no error. */
  public Optional<Integer> deleteAlias(String name, String alias) {
    return deleteAlias(name, alias, null);
  }

  /** As {@link #deleteAlias(String, String)}, recording {@code actor}; a protected alias is PERMISSION_DENIED. */
  public Optional<Integer> deleteAlias(String name, String alias, String actor) {
    RegistryNames.requireModelName(name);
    if (alias == null || alias.isEmpty()) {
      throw CairnException.invalid("Registered model alias name cannot be empty.");
    }
    return committed(db.write(h -> {
      String key = requireKey(h, name);
      lockModel(h, key);
      Aliases.requireUnprotected(h, key, name, alias, "delete");
      return Aliases.move(h, key, alias, null, null, new Aliases.Why(name, actor, AliasChange.Kind.DELETE, null, null),
          events);
    }), events);
  }

  /** The version an alias points at; RESOURCE_DOES_NOT_EXIST names the model or the alias missing. */
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    RegistryNames.requireModelName(name);
    return db.read(h -> {
      // the hot path of serving's models:/NAME@ALIAS: one query finds the holder; only a miss asks which part is missing
      Optional<String> id = h.createQuery("SELECT a.version_id FROM registered_models m JOIN registered_model_aliases a"
              + " ON a.model_key = m.model_key WHERE m.name = :name AND a.alias = :alias")
          .bind("name", name).bind("alias", alias).mapTo(String.class).findOne();
      if (id.isEmpty()) {
        requireKey(h, name);
        throw CairnException.notFound("Registered model alias " + alias + " not found on model '" + name + "'.");
      }
      return loadVersion(h, id.get().trim());
    });
  }

  /** The version a {@code models:/} URI names (by number, alias, latest or stage); a {@code runs:/} URI is refused. */
  public ModelVersion resolve(ModelUri uri) {
    return switch (uri.kind()) {
      case VERSION -> getModelVersion(uri.name(), uri.version());
      case ALIAS -> getModelVersionByAlias(uri.name(), uri.alias());
      case LATEST, STAGE -> db.read(h -> {
        String key = requireKey(h, uri.name());
        Optional<String> id = h.createQuery("SELECT version_id FROM model_versions WHERE model_key = :key"
                + (uri.kind() == ModelUri.Kind.STAGE ? " AND current_stage = :stage" : " AND current_stage <> :stage")
                + " ORDER BY version DESC LIMIT 1")
            .bind("key", key).bind("stage", uri.kind() == ModelUri.Kind.STAGE ? uri.stage().wire() : DELETED)
            .mapTo(String.class).findOne();
        if (id.isEmpty()) {
          throw CairnException.notFound("model '" + uri.name() + "' has no version"
              + (uri.kind() == ModelUri.Kind.STAGE ? " in stage " + uri.stage().wire() : "") + " (" + uri + ")");
        }
        return loadVersions(h, List.of(id.get().trim())).get(0);
      });
      case RUN -> throw CairnException.invalid("'" + uri + "' names run artifacts, not a registered model version");
    };
  }

  // ---------------------------------------------------------------- reading rows

  static Optional<String> findKey(Handle h, String name) {
    return h.createQuery("SELECT model_key FROM registered_models WHERE name = :name")
        .bind("name", name).mapTo(String.class).findOne().map(String::trim);
  }

  static String requireKey(Handle h, String name) {
    return findKey(h, name).orElseThrow(() -> modelNotFound(name));
  }

  static String requireVersionId(Handle h, String name, int version) {
    String key = requireKey(h, name);
    return h.createQuery("SELECT version_id FROM model_versions WHERE model_key = :key AND version = :version"
            + " AND current_stage <> :deleted")
        .bind("key", key).bind("version", version).bind("deleted", DELETED)
        .mapTo(String.class).findOne().map(String::trim)
        .orElseThrow(() -> CairnException.notFound("Model Version (name=" + name + ", version=" + version
            + ") not found"));
  }

  /**
   * Takes the model row's lock (PostgreSQL; SQLite has one writer) so alias moves on one model run one at a time:
   * the holder read next is still the holder when the row is replaced.
   */
  static void lockModel(Handle h, String key) {
    h.createUpdate("UPDATE registered_models SET last_updated_time = :now WHERE model_key = :key")
        .bind("now", System.currentTimeMillis()).bind("key", key).execute();
  }

  private static List<String> ids(Handle h, SqlQuery query) {
    var q = h.createQuery(query.sql());
    query.params().forEach(q::bind);
    return q.mapTo(String.class).list().stream().map(String::trim).toList();
  }

  /** Models with their tags, aliases and latest versions, in the order of {@code keys}. */
  private static List<RegisteredModel> loadModels(Handle h, List<String> keys) {
    if (keys.isEmpty()) {
      return List.of();
    }
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery("SELECT model_key, key, value FROM registered_model_tags WHERE model_key IN (<keys>)")
        .bindList("keys", keys)
        .map((rs, ctx) -> tags.computeIfAbsent(rs.getString(1).trim(), k -> new HashMap<>())
            .put(rs.getString(2), rs.getString(3)))
        .list();
    Map<String, Map<String, Integer>> aliases = new HashMap<>();
    h.createQuery("SELECT a.model_key, a.alias, v.version FROM registered_model_aliases a JOIN model_versions v"
            + " ON v.version_id = a.version_id WHERE a.model_key IN (<keys>)")
        .bindList("keys", keys)
        .map((rs, ctx) -> aliases.computeIfAbsent(rs.getString(1).trim(), k -> new HashMap<>())
            .put(rs.getString(2), rs.getInt(3)))
        .list();
    Map<String, List<ModelVersion>> latest = latestPerStage(h, keys);
    Map<String, RegisteredModel> byKey = new HashMap<>();
    h.createQuery("SELECT model_key, name, creation_time, last_updated_time, description FROM registered_models"
            + " WHERE model_key IN (<keys>)")
        .bindList("keys", keys)
        .map((rs, ctx) -> {
          String key = rs.getString("model_key").trim();
          return byKey.put(key, new RegisteredModel(rs.getString("name"), rs.getLong("creation_time"),
              rs.getLong("last_updated_time"), rs.getString("description"), tags.get(key), aliases.get(key),
              latest.get(key)));
        })
        .list();
    return keys.stream().map(byKey::get).toList();
  }

  /** For each model, its newest version in each stage that has one, by version number. */
  private static Map<String, List<ModelVersion>> latestPerStage(Handle h, List<String> keys) {
    List<String> ids = h.createQuery("SELECT v.version_id FROM model_versions v WHERE v.model_key IN (<keys>)"
            + " AND v.current_stage <> :deleted AND v.version = (SELECT MAX(o.version) FROM model_versions o"
            + " WHERE o.model_key = v.model_key AND o.current_stage = v.current_stage) ORDER BY v.version")
        .bindList("keys", keys).bind("deleted", DELETED)
        .mapTo(String.class).list().stream().map(String::trim).toList();
    Map<String, List<ModelVersion>> out = new HashMap<>();
    Map<String, String> keyOf = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    h.createQuery("SELECT version_id, model_key FROM model_versions WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> keyOf.put(rs.getString(1).trim(), rs.getString(2).trim())).list();
    List<ModelVersion> versions = loadVersions(h, ids);
    for (int i = 0; i < ids.size(); i++) {
      out.computeIfAbsent(keyOf.get(ids.get(i)), k -> new ArrayList<>()).add(versions.get(i));
    }
    return out;
  }

  /** Versions with their tags and aliases, in the order of {@code ids}. */
  /** One version by id, with plain statements (no IN-list templating): the alias-resolution path. */
  private static ModelVersion loadVersion(Handle h, String id) {
    Map<String, String> tags = new HashMap<>();
    h.createQuery("SELECT key, value FROM model_version_tags WHERE version_id = :id").bind("id", id)
        .map((rs, ctx) -> tags.put(rs.getString(1), rs.getString(2))).list();
    List<String> aliases = h.createQuery("SELECT alias FROM registered_model_aliases WHERE version_id = :id")
        .bind("id", id).mapTo(String.class).list();
    return h.createQuery("SELECT v.*, m.name FROM model_versions v JOIN registered_models m ON m.model_key = v.model_key"
            + " WHERE v.version_id = :id")
        .bind("id", id)
        .map((rs, ctx) -> version(rs, tags.isEmpty() ? null : tags, aliases.isEmpty() ? null : aliases))
        .one();
  }

  private static List<ModelVersion> loadVersions(Handle h, List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<ModelVersion> out = new ArrayList<>(ids.size());
    // IN lists stay well below every driver's parameter limit
    for (int from = 0; from < ids.size(); from += 500) {
      out.addAll(loadVersionChunk(h, ids.subList(from, Math.min(ids.size(), from + 500))));
    }
    return out;
  }

  private static List<ModelVersion> loadVersionChunk(Handle h, List<String> ids) {
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery("SELECT version_id, key, value FROM model_version_tags WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> tags.computeIfAbsent(rs.getString(1).trim(), k -> new HashMap<>())
            .put(rs.getString(2), rs.getString(3)))
        .list();
    Map<String, List<String>> aliases = new HashMap<>();
    h.createQuery("SELECT version_id, alias FROM registered_model_aliases WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> aliases.computeIfAbsent(rs.getString(1).trim(), k -> new ArrayList<>()).add(rs.getString(2)))
        .list();
    Map<String, ModelVersion> byId = new LinkedHashMap<>();
    h.createQuery("SELECT v.*, m.name FROM model_versions v JOIN registered_models m ON m.model_key = v.model_key"
            + " WHERE v.version_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> {
          String id = rs.getString("version_id").trim();
          return byId.put(id, version(rs, tags.get(id), aliases.get(id)));
        })
        .list();
    return ids.stream().map(byId::get).toList();
  }

  private static ModelVersion version(ResultSet rs, Map<String, String> tags, List<String> aliases)
      throws SQLException {
    return new ModelVersion(rs.getString("name"), rs.getInt("version"), rs.getLong("creation_time"),
        rs.getLong("last_updated_time"), rs.getString("user_id"), ModelStage.parse(rs.getString("current_stage")),
        rs.getString("description"), rs.getString("source"), rs.getString("run_id"), rs.getString("run_link"),
        ModelVersionStatus.valueOf(rs.getString("status")), rs.getString("status_message"), tags, aliases,
        rs.getString("logged_model_id"));
  }

  // ---------------------------------------------------------------- checks

  private static int pageSize(int maxResults, int defaultSize, int limit) {
    if (maxResults == 0) {
      return defaultSize;
    }
    if (maxResults < 0 || maxResults > limit) {
      throw CairnException.invalid("Invalid value for request parameter max_results. It must be at most " + limit
          + ", but got value " + maxResults);
    }
    return maxResults;
  }

  private static void checkDescription(String description) {
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw CairnException.invalid("description has " + description.length() + " characters; the limit is "
          + MAX_DESCRIPTION_LENGTH);
    }
  }

  private static CairnException modelNotFound(String name) {
    return CairnException.notFound("Registered Model with name=" + name + " not found");
  }

  private static CairnException alreadyExists(String name) {
    return CairnException.exists("Registered Model (name=" + name + ") already exists.");
  }

  /** A write that may lose a race for a name to another process (PostgreSQL): the unique constraint answers. */
  private static <T> T uniqueName(String name, java.util.function.Supplier<T> write) {
    try {
      return write.get();
    } catch (CairnException e) {
      if (e.code() == ErrorCode.INTERNAL_ERROR && isUniqueViolation(e)) {
        throw alreadyExists(name);
      }
      throw e;
    }
  }

  private static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && ("23505".equals(sql.getSQLState())
          || String.valueOf(sql.getMessage()).toLowerCase(Locale.ROOT).contains("unique constraint"))) {
        return true;
      }
    }
    return false;
  }

  /** Passes a write's result through once it committed, letting the events it recorded go out. */
  static <T> T committed(T result, RegistryEvents events) {
    events.committed();
    return result;
  }

  private static ObjectNode tagObject(Map<String, String> tags) {
    ObjectNode n = RegistryEvents.data();
    tags.forEach((k, v) -> n.put(k, v == null ? "" : v));
    return n;
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  private static String newKey() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public Health check() {
    Health database = db.check();
    return database.isUp() ? Health.up("model-registry") : Health.down("model-registry", database.detail());
  }

  @Override
  public void close() {
    if (ownsDatabase) {
      db.close();
    }
  }
}
