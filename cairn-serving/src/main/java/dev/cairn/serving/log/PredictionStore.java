package dev.cairn.serving.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.sql.SqlDatabases;
import dev.cairn.tracking.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The prediction log's table in the shared database ({@link #MIGRATIONS}: V71__predictions): batch inserts from the
 * {@link PredictionLog}'s writer, and reads by deployment and time range, paged, oldest first.
 */
public final class PredictionStore {
  /** Where Flyway finds the prediction tables; part of every database open. */
  public static final String MIGRATIONS = SqlDatabases.SERVING_MIGRATIONS;
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {};

  // a null input is a missing value and must survive the round trip (the shared mapper leaves nulls out)
  private static final ObjectMapper WITH_NULLS = Json.MAPPER.copy()
      .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS));
  // resolved once: the writer thread serialises two row lists per logged prediction
  private static final com.fasterxml.jackson.databind.ObjectWriter ROWS_WRITER = WITH_NULLS.writerFor(ROWS);

  private final SqlDatabase db;

  public PredictionStore(SqlDatabase db) {
    this.db = db;
  }

  /** Writes {@code rows} in one transaction (all or none). */
  public void insert(List<StoredPrediction> rows) {
    if (rows.isEmpty()) {
      return;
    }
    db.write(h -> {
      PreparedBatch batch = h.prepareBatch("INSERT INTO predictions (id, deployment, model_name, model_version,"
          + " time_ms, inputs, outputs, latency_ms, shadow, request_rows) VALUES (:id, :deployment, :model, :version,"
          + " :time, :inputs, :outputs, :latency, :shadow, :requestRows)");
      for (StoredPrediction p : rows) {
        batch.bind("id", p.id()).bind("deployment", p.deployment()).bind("model", p.modelName())
            .bind("version", p.modelVersion()).bind("time", p.timeMs()).bind("inputs", rowsJson(p.inputs()))
            .bind("outputs", rowsJson(p.outputs())).bind("latency", p.latencyMs()).bind("shadow", p.shadow() ? 1 : 0)
            .bind("requestRows", p.requestRows()).add();
      }
      batch.execute();
      return null;
    });
  }

  /** The prediction with {@code id}, if logged. */
  public Optional<StoredPrediction> get(String id) {
    return db.read(h -> h.createQuery("SELECT * FROM predictions WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> prediction(rs)).findOne());
  }

  /** The logged predictions among {@code ids}, by id (absent ids are missing from the map). */
  public Map<String, StoredPrediction> find(Collection<String> ids) {
    Map<String, StoredPrediction> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    db.read(h -> h.createQuery("SELECT * FROM predictions WHERE id IN (<ids>)").bindList("ids", List.copyOf(ids))
        .map((rs, ctx) -> prediction(rs)).list()).forEach(p -> out.put(p.id(), p));
    return out;
  }

  /**
   * A deployment's predictions logged in {@code [fromMs, toMs)}, oldest first (ties by id), {@code maxResults} a
   * page.
   */
  public Page<StoredPrediction> list(String deployment, long fromMs, long toMs, int maxResults, String pageToken) {
    requireRange(fromMs, toMs);
    if (maxResults < 1 || maxResults > MAX_PAGE_SIZE) {
      throw CairnException.invalid("max_results is " + maxResults + "; it must be 1 to " + MAX_PAGE_SIZE);
    }
    long offset = PageTokens.decode(pageToken);
    List<StoredPrediction> rows = db.read(h -> h.createQuery("SELECT * FROM predictions WHERE deployment = :d"
            + " AND time_ms >= :from AND time_ms < :to ORDER BY time_ms, id LIMIT :limit OFFSET :offset")
        .bind("d", deployment).bind("from", fromMs).bind("to", toMs).bind("limit", maxResults + 1)
        .bind("offset", offset).map((rs, ctx) -> prediction(rs)).list());
    return new Page<>(List.copyOf(rows.subList(0, Math.min(maxResults, rows.size()))),
        rows.size() > maxResults ? PageTokens.encode(offset + maxResults) : null);
  }

  /** Refuses a time range that ends before it starts, naming both ends. */
  public static void requireRange(long fromMs, long toMs) {
    if (toMs < fromMs) {
      throw CairnException.invalid("time range 'from' " + fromMs + " is after 'to' " + toMs
          + "; 'to' must not be before 'from'");
    }
  }

  static StoredPrediction prediction(ResultSet rs) throws SQLException {
    return new StoredPrediction(rs.getString("id"), rs.getString("deployment"), rs.getString("model_name"),
        rs.getInt("model_version"), rs.getLong("time_ms"), parseRows(rs.getString("inputs")),
        parseRows(rs.getString("outputs")), rs.getDouble("latency_ms"), rs.getInt("shadow") != 0,
        rs.getInt("request_rows"));
  }

  private static String rowsJson(List<Map<String, Object>> rows) {
    try {
      return ROWS_WRITER.writeValueAsString(rows);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw CairnException.invalid("a prediction's rows cannot be written as JSON: " + e.getOriginalMessage());
    }
  }

  /** A stored inputs or outputs column: a JSON array of row objects. */
  public static List<Map<String, Object>> parseRows(String json) {
    try {
      return Json.MAPPER.readValue(json, ROWS);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a logged prediction's JSON does not parse: " + e.getMessage(), e);
    }
  }
}
