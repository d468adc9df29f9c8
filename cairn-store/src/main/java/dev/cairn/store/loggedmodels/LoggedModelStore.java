package dev.cairn.store.loggedmodels;

import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.Health;
import dev.cairn.core.Ids;
import dev.cairn.store.search.SqlQuery;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.RunNames;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.TrackingValidation;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * MLflow 3's logged models, in the tracking database behind the shared database layer ({@link SqlDatabase}:
 * one reader pool, one writer, one migration run that includes {@link #MIGRATIONS}). A model's artifacts live
 * under {@code <experiment artifact location>/models/<model_id>/artifacts}, so with the server's artifact proxy
 * they are {@code mlflow-artifacts:/<experiment_id>/models/<model_id>/artifacts}, as MLflow lays them out.
 * Missing models, and deleted ones, are {@code RESOURCE_DOES_NOT_EXIST}.
 */
public final class LoggedModelStore implements Component, AutoCloseable {
  /** Where Flyway finds this store's migrations (V15..V19); the database layer runs them. */
  public static final String MIGRATIONS = "classpath:db/loggedmodels";
  /** Most tags or params one request may carry (MLflow's per-batch limit; its client sends 100 at a time). */
  public static final int MAX_TAGS_OR_PARAMS_PER_REQUEST = 100;
  static final int MAX_NAME_LENGTH = 500;
  private static final Pattern MODELS_URI = Pattern.compile("models:/(m-[0-9a-f]{32})/?(.*)");
  private static final Pattern RUNS_URI = Pattern.compile("runs:/([0-9a-f]{32})/([^/]+)(?:/+(.*?))?/*");

  private final SqlDatabase db;

  private LoggedModelStore(SqlDatabase db) {
    this.db = db;
  }

  /** The store on a database opened (and migrated) with {@link #MIGRATIONS}; closing the store leaves it open. */
  public static LoggedModelStore on(SqlDatabase database) {
    return new LoggedModelStore(database);
  }

  /** A model to create; the store assigns the id, the artifact location, the times and PENDING. */
  public record NewLoggedModel(String experimentId, String name, String modelType, String sourceRunId,
      Map<String, String> tags, Map<String, String> params) {
    public NewLoggedModel {
      if (experimentId == null || experimentId.isEmpty()) {
        throw CairnException.invalid("Missing value for required parameter 'experiment_id'");
      }
      name = name == null || name.isEmpty() ? null : name;
      if (name != null && name.length() > MAX_NAME_LENGTH) {
        throw CairnException.invalid("logged model name has " + name.length() + " characters; the limit is "
            + MAX_NAME_LENGTH);
      }
      // runs:/<run_id>/<name> finds a model by its name as one path segment of a URI
      if (name != null && (name.contains("/") || name.contains(":"))) {
        throw CairnException.invalid("Invalid model name ('" + name + "'): a logged model name cannot contain '/'"
            + " or ':', since runs:/<run_id>/<name> URIs name the model by it");
      }
      modelType = modelType == null || modelType.isEmpty() ? null : modelType;
      sourceRunId = sourceRunId == null || sourceRunId.isEmpty() ? null : sourceRunId;
      tags = checkedTags(tags);
      params = checkedParams(params);
    }
  }

  /** Creates a PENDING model in an active experiment; a model without a name gets a random one. */
  public LoggedModel create(NewLoggedModel m) {
    long experimentId = experimentNumber(m.experimentId());
    String modelId = "m-" + Ids.newRunId();
    String name = m.name() == null ? RunNames.random() : m.name();
    return db.write(h -> {
      Map<String, Object> experiment = h.createQuery(
              "SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = :id")
          .bind("id", experimentId).mapToMap().findFirst()
          .orElseThrow(() -> CairnException.notFound("Could not find experiment with ID " + m.experimentId()));
      if (!LifecycleStage.ACTIVE.wire().equals(experiment.get("lifecycle_stage"))) {
        throw CairnException.invalid("The experiment " + m.experimentId() + " must be in the 'active' state to "
            + "log a model to it; it is deleted (restore it first)");
      }
      String root = (String) experiment.get("artifact_location");
      if (root == null) {
        throw CairnException.invalid("experiment " + m.experimentId() + " has no artifact location");
      }
      String location = stripTrailingSlashes(root) + "/models/" + modelId + "/artifacts";
      long now = System.currentTimeMillis();
      h.createUpdate("INSERT INTO logged_models (model_id, experiment_id, name, artifact_location,"
              + " creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id)"
              + " VALUES (:id, :experiment, :name, :location, :now, :now, :status, :stage, :type, :run)")
          .bind("id", modelId).bind("experiment", experimentId).bind("name", name).bind("location", location)
          .bind("now", now).bind("status", LoggedModelStatus.PENDING.name())
          .bind("stage", LifecycleStage.ACTIVE.wire()).bind("type", m.modelType()).bind("run", m.sourceRunId())
          .execute();
      upsert(h, "logged_model_tags", modelId, m.tags());
      upsert(h, "logged_model_params", modelId, m.params());
      return load(h, modelId);
    });
  }

  /** The model with this id, with its tags, params and metrics. */
  public LoggedModel get(String modelId) {
    return db.read(h -> load(h, modelId));
  }

  /** Where the model's artifacts live, if the model exists (and is not deleted): what {@code models:/m-...} names. */
  public Optional<String> artifactLocation(String modelId) {
    if (modelId == null) {
      return Optional.empty();
    }
    return db.read(h -> h.createQuery("SELECT artifact_location FROM logged_models WHERE model_id = :id"
            + " AND lifecycle_stage = :active")
        .bind("id", modelId).bind("active", LifecycleStage.ACTIVE.wire()).mapTo(String.class).findFirst());
  }

  /**
   * The model id a {@code models:/m-<32 hex>[/path]} URI names (MLflow 3's URI for a logged model), or empty
   * for any other URI (a registry URI such as {@code models:/name/3} or {@code models:/name@alias}).
   */
  public static Optional<String> modelIdOf(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    var m = MODELS_URI.matcher(uri);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Resolves {@code models:/m-<id>[/path]} to the artifact URI it names ({@code <artifact location>[/path]});
   * empty when the URI is not a logged-model URI; {@code RESOURCE_DOES_NOT_EXIST} when the model is unknown.
   */
  public Optional<String> resolveUri(String uri) {
    Optional<String> id = modelIdOf(uri);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    String location = artifactLocation(id.get())
        .orElseThrow(() -> CairnException.notFound("Logged model with ID '" + id.get() + "' not found"));
    String path = uri.substring(("models:/" + id.get()).length());
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    return Optional.of(path.isEmpty() ? location : location + "/" + path);
  }

  /**
   * Where {@code runs:/<run_id>/<name>[/path]} points when the run logged an MLflow 3 model named {@code name}
   * (MLflow 3 keeps such a model's files under the model, not the run): the newest such model's artifact
   * location, with {@code /path} appended. Empty when the URI is not a runs URI or the run logged no model of
   * that name; the caller then looks in the run's own artifacts, as MLflow's RunsArtifactRepository does.
   */
  public Optional<String> resolveRunsUri(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    var m = RUNS_URI.matcher(uri);
    if (!m.matches()) {
      return Optional.empty();
    }
    String runId = m.group(1);
    String name = m.group(2);
    String rest = m.group(3) == null ? "" : m.group(3);
    Optional<String> location = db.read(h -> h.createQuery("SELECT artifact_location FROM logged_models"
            + " WHERE source_run_id = :run AND name = :name AND lifecycle_stage = :active"
            + " ORDER BY creation_timestamp_ms DESC, model_id LIMIT 1")
        .bind("run", runId).bind("name", name).bind("active", LifecycleStage.ACTIVE.wire())
        .mapTo(String.class).findFirst());
    return location.map(l -> rest.isEmpty() ? l : l + "/" + rest);
  }

  /** Sets the model's status (READY or FAILED once its upload ended) and returns it. */
  public LoggedModel finalizeModel(String modelId, LoggedModelStatus status) {
    return db.write(h -> {
      requireActive(h, modelId);
      h.createUpdate("UPDATE logged_models SET status = :status, last_updated_timestamp_ms = :now WHERE model_id = :id")
          .bind("status", status.name()).bind("now", System.currentTimeMillis()).bind("id", modelId).execute();
      return load(h, modelId);
    });
  }

  /** Marks the model deleted: it is no longer found, searched or resolved. Its artifacts stay. */
  public void delete(String modelId) {
    db.write(h -> {
      requireActive(h, modelId);
      h.createUpdate("UPDATE logged_models SET lifecycle_stage = :deleted, last_updated_timestamp_ms = :now"
              + " WHERE model_id = :id")
          .bind("deleted", LifecycleStage.DELETED.wire()).bind("now", System.currentTimeMillis())
          .bind("id", modelId).execute();
      return null;
    });
  }

  /** Sets (adds or overwrites) tags and returns the model. */
  public LoggedModel setTags(String modelId, Map<String, String> tags) {
    Map<String, String> checked = checkedTags(tags);
    return db.write(h -> {
      requireActive(h, modelId);
      upsert(h, "logged_model_tags", modelId, checked);
      touch(h, modelId);
      return load(h, modelId);
    });
  }

  /** Deletes one tag; {@code RESOURCE_DOES_NOT_EXIST} when the model has no such tag. */
  public void deleteTag(String modelId, String key) {
    db.write(h -> {
      requireActive(h, modelId);
      int deleted = h.createUpdate("DELETE FROM logged_model_tags WHERE model_id = :id AND key = :key")
          .bind("id", modelId).bind("key", key).execute();
      if (deleted == 0) {
        throw CairnException.notFound("No tag with key '" + key + "' found for logged model with ID '" + modelId + "'");
      }
      touch(h, modelId);
      return null;
    });
  }

  /** Logs params (MLflow overwrites a param logged again with another value). */
  public void logParams(String modelId, Map<String, String> params) {
    Map<String, String> checked = checkedParams(params);
    db.write(h -> {
      requireActive(h, modelId);
      upsert(h, "logged_model_params", modelId, checked);
      touch(h, modelId);
      return null;
    });
  }

  /**
   * Links metric points to their models (each names its own); a point already linked is kept once. Unknown
   * or deleted models are {@code RESOURCE_DOES_NOT_EXIST} and nothing is written.
   */
  public void logMetrics(List<ModelMetric> metrics) {
    if (metrics.isEmpty()) {
      return;
    }
    db.write(h -> {
      for (String modelId : metrics.stream().map(ModelMetric::modelId).distinct().toList()) {
        requireActive(h, modelId);
      }
      var batch = h.prepareBatch("INSERT INTO logged_model_metrics (model_id, key, timestamp, step, run_id,"
          + " dataset_name, dataset_digest, value, is_nan) VALUES (:model, :key, :ts, :step, :run, :dn, :dd, :value,"
          + " :nan) ON CONFLICT DO NOTHING");
      for (ModelMetric m : metrics) {
        boolean nan = Double.isNaN(m.value());
        batch.bind("model", m.modelId()).bind("key", m.key()).bind("ts", m.timestamp()).bind("step", m.step())
            .bind("run", orEmpty(m.runId())).bind("dn", orEmpty(m.datasetName())).bind("dd", orEmpty(m.datasetDigest()))
            .bind("value", nan ? 0.0 : m.value()).bind("nan", nan ? 1 : 0).add();
      }
      batch.execute();
      return null;
    });
  }

  /** Records models as outputs of a run (MLflow 3 runs/outputs); logging the same model again keeps one entry. */
  public void logOutputs(String runId, List<RunOutput> outputs) {
    db.write(h -> {
      boolean run = h.createQuery("SELECT COUNT(*) FROM runs WHERE run_id = :id").bind("id", runId)
          .mapTo(Integer.class).one() > 0;
      if (!run) {
        throw CairnException.notFound("Run with id=" + runId + " not found");
      }
      for (RunOutput o : outputs) {
        requireActive(h, o.modelId());
        h.createUpdate("INSERT INTO run_model_outputs (run_id, model_id, step) VALUES (:run, :model, :step)"
                + " ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step")
            .bind("run", runId).bind("model", o.modelId()).bind("step", o.step()).execute();
      }
      return null;
    });
  }

  /** The models a run produced (deleted ones left out), in the order they were recorded. */
  public List<RunOutput> outputsOf(String runId) {
    return db.read(h -> h.createQuery("SELECT o.model_id, o.step FROM run_model_outputs o JOIN logged_models lm"
            + " ON lm.model_id = o.model_id WHERE o.run_id = :run AND lm.lifecycle_stage = :active"
            + " ORDER BY lm.creation_timestamp_ms, o.model_id")
        .bind("run", runId).bind("active", LifecycleStage.ACTIVE.wire())
        .map((rs, ctx) -> new RunOutput(rs.getString("model_id"), rs.getLong("step"))).list());
  }

  /** One page of models matching the search; the token of the next page, if any, goes in the next search. */
  public Page<LoggedModel> search(LoggedModelSearch search) {
    if (search.experimentIds().isEmpty()) {
      return new Page<>(List.of(), null);
    }
    SqlQuery query = LoggedModelSql.render(db.dialect(), search);
    return db.read(h -> {
      var q = h.createQuery(query.sql());
      query.params().forEach(q::bind);
      List<String> ids = q.mapTo(String.class).list();
      String next = null;
      if (ids.size() > search.maxResults()) {
        ids = ids.subList(0, search.maxResults());
        next = PageTokens.encode(PageTokens.decode(search.pageToken()) + search.maxResults());
      }
      return new Page<>(loadAll(h, ids), next);
    });
  }

  @Override
  public Health check() {
    return db.check();
  }

  /** Nothing to release: the database belongs to whoever opened it. */
  @Override
  public void close() {}

  // ---------------------------------------------------------------- helpers

  private static long experimentNumber(String experimentId) {
    try {
      return Long.parseLong(experimentId.strip());
    } catch (NumberFormatException e) {
      throw CairnException.notFound("Could not find experiment with ID " + experimentId);
    }
  }

  private static void requireActive(Handle h, String modelId) {
    boolean active = h.createQuery("SELECT COUNT(*) FROM logged_models WHERE model_id = :id AND lifecycle_stage = :a")
        .bind("id", modelId).bind("a", LifecycleStage.ACTIVE.wire()).mapTo(Integer.class).one() > 0;
    if (!active) {
      throw notFound(modelId);
    }
  }

  private static CairnException notFound(String modelId) {
    return CairnException.notFound("Logged model with ID '" + modelId + "' not found");
  }

  private static void touch(Handle h, String modelId) {
    h.createUpdate("UPDATE logged_models SET last_updated_timestamp_ms = :now WHERE model_id = :id")
        .bind("now", System.currentTimeMillis()).bind("id", modelId).execute();
  }

  private static void upsert(Handle h, String table, String modelId, Map<String, String> values) {
    if (values.isEmpty()) {
      return;
    }
    // table is one of this class's two constants, never caller input
    var batch = h.prepareBatch("INSERT INTO " + table + " (model_id, key, value) VALUES (:id, :key, :value)"
        + " ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value");
    values.forEach((k, v) -> batch.bind("id", modelId).bind("key", k).bind("value", v).add());
    batch.execute();
  }

  private LoggedModel load(Handle h, String modelId) {
    List<LoggedModel> found = loadAll(h, List.of(modelId));
    if (found.isEmpty()) {
      throw notFound(modelId);
    }
    return found.get(0);
  }

  /** The active models with these ids, in the given order, each with its tags, params and metrics. */
  private static List<LoggedModel> loadAll(Handle h, List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, Map<String, String>> tags = keyValues(h, "logged_model_tags", ids);
    Map<String, Map<String, String>> params = keyValues(h, "logged_model_params", ids);
    Map<String, List<ModelMetric>> metrics = new HashMap<>();
    h.createQuery("SELECT * FROM logged_model_metrics WHERE model_id IN (<ids>) ORDER BY key, timestamp, step")
        .bindList("ids", ids)
        .map((rs, ctx) -> metric(rs)).forEach(m -> metrics.computeIfAbsent(m.modelId(), k -> new ArrayList<>()).add(m));
    Map<String, LoggedModel> byId = new LinkedHashMap<>();
    h.createQuery("SELECT * FROM logged_models WHERE model_id IN (<ids>) AND lifecycle_stage = :active")
        .bindList("ids", ids).bind("active", LifecycleStage.ACTIVE.wire())
        .map((rs, ctx) -> {
          String id = rs.getString("model_id");
          return new LoggedModel(id, Long.toString(rs.getLong("experiment_id")), rs.getString("name"),
              rs.getString("artifact_location"), rs.getLong("creation_timestamp_ms"),
              rs.getLong("last_updated_timestamp_ms"), LoggedModelStatus.valueOf(rs.getString("status")),
              rs.getString("status_message"), LifecycleStage.fromWire(rs.getString("lifecycle_stage")),
              rs.getString("model_type"), rs.getString("source_run_id"), tags.get(id), params.get(id),
              metrics.get(id));
        })
        .forEach(m -> byId.put(m.modelId(), m));
    List<LoggedModel> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      LoggedModel m = byId.get(id);
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  private static Map<String, Map<String, String>> keyValues(Handle h, String table, List<String> ids) {
    Map<String, Map<String, String>> out = new HashMap<>();
    h.createQuery("SELECT model_id, key, value FROM " + table + " WHERE model_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .forEach(r -> out.computeIfAbsent(r[0], k -> new HashMap<>()).put(r[1], r[2]));
    return out;
  }

  private static ModelMetric metric(ResultSet rs) throws SQLException {
    return new ModelMetric(rs.getString("model_id"), rs.getString("key"),
        rs.getInt("is_nan") == 1 ? Double.NaN : rs.getDouble("value"), rs.getLong("timestamp"), rs.getLong("step"),
        rs.getString("run_id"), rs.getString("dataset_name"), rs.getString("dataset_digest"));
  }

  private static Map<String, String> checkedTags(Map<String, String> tags) {
    return checked(tags, "tag", TrackingValidation.MAX_TAG_VAL_LENGTH);
  }

  private static Map<String, String> checkedParams(Map<String, String> params) {
    return checked(params, "param", TrackingValidation.MAX_PARAM_VAL_LENGTH);
  }

  private static Map<String, String> checked(Map<String, String> values, String what, int maxValueLength) {
    if (values == null) {
      return Map.of();
    }
    if (values.size() > MAX_TAGS_OR_PARAMS_PER_REQUEST) {
      throw CairnException.invalid("a logged model request can carry at most " + MAX_TAGS_OR_PARAMS_PER_REQUEST
          + " " + what + "s; got " + values.size() + ". Send them in several requests");
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      if (key == null || key.isEmpty() || key.length() > TrackingValidation.MAX_ENTITY_KEY_LENGTH) {
        throw CairnException.invalid(what + " key '" + key + "' must have 1 to "
            + TrackingValidation.MAX_ENTITY_KEY_LENGTH + " characters");
      }
      String value = e.getValue() == null ? "" : e.getValue();
      if (value.length() > maxValueLength) {
        throw CairnException.invalid(what + " '" + key + "' has a value of " + value.length()
            + " characters; the limit is " + maxValueLength);
      }
    }
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, v == null ? "" : v));
    return copy;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String stripTrailingSlashes(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }
}
