package dev.cairn.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cairn.core.CairnException;
import dev.cairn.core.Component;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Health;
import dev.cairn.core.Json;
import dev.cairn.store.sql.SqlDatabase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Pipeline runs, step runs with their input and output artifacts, and the step cache index, in the shared
 * database ({@link SqlDatabase}, migrated with {@link #MIGRATIONS}); writes go through its one writer.
 * A missing run is {@code RESOURCE_DOES_NOT_EXIST}.
 */
public final class PipelineStore implements Component {
  /**
   * Where Flyway finds the pipeline tables' migrations (V60-V64). They ship in cairn-store, which every database
   * opener applies, so a process without this module still opens a database the server migrated.
   */
  public static final String MIGRATIONS = dev.cairn.store.sql.SqlDatabases.PIPELINE_MIGRATIONS;
  public static final int MAX_PAGE_SIZE = 1000;
  static final int MAX_ERROR_LENGTH = 20_000;
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final SqlDatabase db;

  private PipelineStore(SqlDatabase db) {
    this.db = db;
  }

  /** The store on a database opened (and migrated) with {@link #MIGRATIONS}; the caller keeps owning it. */
  public static PipelineStore on(SqlDatabase database) {
    return new PipelineStore(database);
  }

  /** Records a new pipeline run (status RUNNING, no steps yet). */
  public void createRun(String runId, String pipelineName, String experimentId, String definitionSha256,
      String definitionJson, long startTime) {
    db.write(h -> h.createUpdate("""
            INSERT INTO pipeline_runs (run_id, pipeline_name, experiment_id, definition_sha256, definition_json,
                status, start_time, end_time, error, attempts)
            VALUES (:runId, :name, :experiment, :sha, :json, 'RUNNING', :start, NULL, NULL, 1)""")
        .bind("runId", runId).bind("name", pipelineName).bind("experiment", experimentId)
        .bind("sha", definitionSha256).bind("json", definitionJson).bind("start", startTime).execute());
  }

  /** Sets a run's status, end time (null while running) and error (null when none). */
  public void updateRun(String runId, PipelineStatus status, Long endTime, String error) {
    int n = db.write(h -> h.createUpdate(
            "UPDATE pipeline_runs SET status = :status, end_time = :end, error = :error WHERE run_id = :runId")
        .bind("status", status.name()).bind("end", endTime).bind("error", truncate(error)).bind("runId", runId)
        .execute());
    if (n == 0) {
      throw missingRun(runId);
    }
  }

  /** Marks a run RUNNING again for a resume and counts the attempt; returns the new attempt number. */
  public int resumeRun(String runId) {
    return db.write(h -> {
      int n = h.createUpdate("UPDATE pipeline_runs SET status = 'RUNNING', end_time = NULL, error = NULL,"
          + " attempts = attempts + 1 WHERE run_id = :runId").bind("runId", runId).execute();
      if (n == 0) {
        throw missingRun(runId);
      }
      return h.createQuery("SELECT attempts FROM pipeline_runs WHERE run_id = :runId").bind("runId", runId)
          .mapTo(Integer.class).one();
    });
  }

  /** Inserts a step run with its input and output artifacts, in one transaction. */
  public void insertStep(StepRun step) {
    db.write(h -> {
      h.createUpdate("""
              INSERT INTO pipeline_step_runs (step_run_id, pipeline_run_id, step_name, attempt, step_type, status,
                  cache_key, cached_from, start_time, end_time, params_json, error, log_path)
              VALUES (:id, :run, :name, :attempt, :type, :status, :key, :cachedFrom, :start, :end, :params, :error,
                  :log)""")
          .bind("id", step.stepRunId()).bind("run", step.pipelineRunId()).bind("name", step.stepName())
          .bind("attempt", step.attempt()).bind("type", step.stepType()).bind("status", step.status().name())
          .bind("key", step.cacheKey()).bind("cachedFrom", step.cachedFrom()).bind("start", step.startTime())
          .bind("end", step.endTime()).bind("params", Json.write(step.params())).bind("error", truncate(step.error()))
          .bind("log", step.logPath()).execute();
      insertArtifacts(h, step.stepRunId(), "input", step.inputs());
      insertArtifacts(h, step.stepRunId(), "output", step.outputs());
      return null;
    });
  }

  /**
   * Ends a running step: status, end time, error, log path and outputs in one transaction; when
   * {@code indexCache} is true (a successful, cacheable step) its cache key then points at this step run,
   * replacing an older entry whose outputs were found gone.
   */
  public void finishStep(String stepRunId, StepStatus status, long endTime, String error, String logPath,
      List<StepArtifact> outputs, boolean indexCache) {
    db.write(h -> {
      int n = h.createUpdate("UPDATE pipeline_step_runs SET status = :status, end_time = :end, error = :error,"
              + " log_path = :log WHERE step_run_id = :id")
          .bind("status", status.name()).bind("end", endTime).bind("error", truncate(error)).bind("log", logPath)
          .bind("id", stepRunId).execute();
      if (n == 0) {
        throw CairnException.notFound("step run '" + stepRunId + "' does not exist");
      }
      insertArtifacts(h, stepRunId, "output", outputs);
      if (indexCache) {
        String key = h.createQuery("SELECT cache_key FROM pipeline_step_runs WHERE step_run_id = :id")
            .bind("id", stepRunId).mapTo(String.class).one();
        if (key == null) {
          throw new CairnException(ErrorCode.INVALID_STATE, "step run '" + stepRunId + "' has no cache key to index");
        }
        h.createUpdate("INSERT INTO pipeline_cache (cache_key, step_run_id, created_time) VALUES (:key, :id, :now)"
                + " ON CONFLICT (cache_key) DO UPDATE SET step_run_id = excluded.step_run_id,"
                + " created_time = excluded.created_time")
            .bind("key", key).bind("id", stepRunId).bind("now", endTime).execute();
      }
      return null;
    });
  }

  /** The step run a cache key points at, with its outputs; empty on a miss. */
  public Optional<StepRun> findCached(String cacheKey) {
    return db.read(h -> {
      Optional<String> id = h.createQuery("SELECT step_run_id FROM pipeline_cache WHERE cache_key = :key")
          .bind("key", cacheKey).mapTo(String.class).findOne();
      return id.map(stepRunId -> steps(h, "s.step_run_id = :id", Map.of("id", stepRunId)).get(0));
    });
  }

  /** A run with every attempt of every step and their artifacts. */
  public PipelineRun getRun(String runId) {
    return db.read(h -> {
      List<PipelineRun> runs = runs(h, "WHERE run_id = :runId", Map.of("runId", runId), 1);
      if (runs.isEmpty()) {
        throw missingRun(runId);
      }
      PipelineRun r = runs.get(0);
      return withSteps(r, steps(h, "s.pipeline_run_id = :runId", Map.of("runId", runId)));
    });
  }

  /** The newest runs first (of one pipeline, or of all when {@code pipelineName} is null), without their steps. */
  public List<PipelineRun> listRuns(String pipelineName, int maxResults) {
    return listRuns(pipelineName, null, maxResults, 0);
  }

  /**
   * One page of runs, newest first, without their steps: of one pipeline and of one experiment when those are given
   * (null: any), after skipping {@code offset} runs.
   */
  public List<PipelineRun> listRuns(String pipelineName, String experimentId, int maxResults, int offset) {
    if (maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
      throw CairnException.invalid("max_results is " + maxResults + "; it must be 1 to " + MAX_PAGE_SIZE);
    }
    if (offset < 0) {
      throw CairnException.invalid("offset is " + offset + "; it must be 0 or more");
    }
    Map<String, Object> binds = new LinkedHashMap<>();
    List<String> where = new ArrayList<>();
    if (pipelineName != null) {
      where.add("pipeline_name = :name");
      binds.put("name", pipelineName);
    }
    if (experimentId != null) {
      where.add("experiment_id = :experiment");
      binds.put("experiment", experimentId);
    }
    binds.put("offset", offset);
    String clause = where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where);
    return db.read(h -> runs(h, clause, binds, maxResults));
  }

  /**
   * For each of {@code runIds}: how many of its steps are in each status, counting each step's newest attempt only
   * (a resumed run's failed attempt no longer counts). A run without steps is absent.
   */
  public Map<String, Map<StepStatus, Integer>> stepCounts(java.util.Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Map.of();
    }
    return db.read(h -> {
      Map<String, Map<StepStatus, Integer>> counts = new LinkedHashMap<>();
      h.createQuery("""
              SELECT s.pipeline_run_id, s.status, COUNT(*) AS n FROM pipeline_step_runs s
              WHERE s.pipeline_run_id IN (<ids>) AND s.attempt = (SELECT MAX(t.attempt) FROM pipeline_step_runs t
                  WHERE t.pipeline_run_id = s.pipeline_run_id AND t.step_name = s.step_name)
              GROUP BY s.pipeline_run_id, s.status""")
          .bindList("ids", List.copyOf(runIds))
          .map((rs, ctx) -> new Object[] {rs.getString("pipeline_run_id"), rs.getString("status"), rs.getInt("n")})
          .forEach(row -> counts.computeIfAbsent((String) row[0], k -> new java.util.EnumMap<>(StepStatus.class))
              .put(StepStatus.valueOf((String) row[1]), (Integer) row[2]));
      return counts;
    });
  }

  @Override
  public Health check() {
    return db.check();
  }

  private static void insertArtifacts(Handle h, String stepRunId, String kind, List<StepArtifact> artifacts) {
    if (artifacts.isEmpty()) {
      return;
    }
    var batch = h.prepareBatch("INSERT INTO pipeline_step_artifacts (step_run_id, kind, name, artifact_type, path,"
        + " sha256, size) VALUES (:id, :kind, :name, :type, :path, :sha, :size)");
    for (StepArtifact a : artifacts) {
      batch.bind("id", stepRunId).bind("kind", kind).bind("name", a.name()).bind("type", a.type())
          .bind("path", a.path()).bind("sha", a.sha256()).bind("size", a.size()).add();
    }
    batch.execute();
  }

  private static List<PipelineRun> runs(Handle h, String where, Map<String, Object> binds, int limit) {
    return h.createQuery("SELECT run_id, pipeline_name, experiment_id, definition_sha256, definition_json, status,"
            + " start_time, end_time, error, attempts FROM pipeline_runs " + where
            + " ORDER BY start_time DESC, run_id LIMIT :limit" + (binds.containsKey("offset") ? " OFFSET :offset" : ""))
        .bindMap(binds).bind("limit", limit)
        .map((rs, ctx) -> new PipelineRun(rs.getString("run_id"), rs.getString("pipeline_name"),
            rs.getString("experiment_id"), rs.getString("definition_sha256"), rs.getString("definition_json"),
            PipelineStatus.valueOf(rs.getString("status")), rs.getLong("start_time"), nullableLong(rs, "end_time"),
            rs.getString("error"), rs.getInt("attempts"), List.of()))
        .list();
  }

  private static List<StepRun> steps(Handle h, String where, Map<String, Object> binds) {
    Map<String, List<StepArtifact>> inputs = new LinkedHashMap<>();
    Map<String, List<StepArtifact>> outputs = new LinkedHashMap<>();
    h.createQuery("SELECT a.step_run_id, a.kind, a.name, a.artifact_type, a.path, a.sha256, a.size"
            + " FROM pipeline_step_artifacts a JOIN pipeline_step_runs s ON s.step_run_id = a.step_run_id WHERE "
            + where + " ORDER BY a.step_run_id, a.kind, a.name")
        .bindMap(binds)
        .map((rs, ctx) -> {
          StepArtifact a = new StepArtifact(rs.getString("name"), rs.getString("artifact_type"), rs.getString("path"),
              rs.getString("sha256"), rs.getLong("size"));
          (rs.getString("kind").equals("input") ? inputs : outputs)
              .computeIfAbsent(rs.getString("step_run_id"), k -> new ArrayList<>()).add(a);
          return a;
        })
        .list();
    return h.createQuery("SELECT s.step_run_id, s.pipeline_run_id, s.step_name, s.attempt, s.step_type, s.status,"
            + " s.cache_key, s.cached_from, s.start_time, s.end_time, s.params_json, s.error, s.log_path"
            + " FROM pipeline_step_runs s WHERE " + where
            + " ORDER BY s.attempt, s.step_name")
        .bindMap(binds)
        .map((rs, ctx) -> {
          String id = rs.getString("step_run_id");
          return new StepRun(id, rs.getString("pipeline_run_id"), rs.getString("step_name"), rs.getInt("attempt"),
              rs.getString("step_type"), StepStatus.valueOf(rs.getString("status")), rs.getString("cache_key"),
              rs.getString("cached_from"), nullableLong(rs, "start_time"), nullableLong(rs, "end_time"),
              readParams(rs.getString("params_json")), rs.getString("error"), rs.getString("log_path"),
              inputs.get(id), outputs.get(id));
        })
        .list();
  }

  private static PipelineRun withSteps(PipelineRun r, List<StepRun> steps) {
    return new PipelineRun(r.runId(), r.pipelineName(), r.experimentId(), r.definitionSha256(), r.definitionJson(),
        r.status(), r.startTime(), r.endTime(), r.error(), r.attempts(), steps);
  }

  private static Map<String, Object> readParams(String json) {
    try {
      return Json.MAPPER.readValue(json, MAP);
    } catch (java.io.IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "stored step parameters are not JSON: " + e.getMessage(), e);
    }
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static String truncate(String error) {
    return error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
  }

  private static CairnException missingRun(String runId) {
    return CairnException.notFound("pipeline run '" + runId + "' does not exist");
  }
}
