package dev.cairn.serving.feedback;

import dev.cairn.core.CairnException;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.store.sql.SqlDatabases;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Feedback on logged predictions (V72__prediction_feedback) and the live accuracy computed from it. Feedback names
 * a prediction id the log kept; one for a prediction of another deployment, or one never logged (not sampled, dropped,
 * or mistyped) is refused for that item only. A later feedback on the same row replaces the earlier one.
 */
public final class FeedbackStore {
  /** Where Flyway finds the feedback table; part of every database open. */
  public static final String MIGRATIONS = SqlDatabases.SERVING_MIGRATIONS;
  /** Most feedback items one call takes. */
  public static final int MAX_ITEMS = 1000;
  /** Most windows one accuracy answer has. */
  public static final int MAX_WINDOWS = 10_000;

  /** What became of one item of a feedback call: recorded, or why not. */
  public record Outcome(String predictionId, boolean recorded, String error) {}

  private final SqlDatabase db;
  private final PredictionStore predictions;

  public FeedbackStore(SqlDatabase db, PredictionStore predictions) {
    this.db = db;
    this.predictions = predictions;
  }

  /** Records the items that name a logged prediction of {@code deployment} (in one write) and reports on each. */
  public List<Outcome> add(String deployment, List<Feedback> items) {
    if (items.size() > MAX_ITEMS) {
      throw CairnException.invalid("field 'feedback' has " + items.size() + " items; at most " + MAX_ITEMS
          + " a call");
    }
    Set<String> ids = new LinkedHashSet<>();
    items.forEach(f -> ids.add(f.predictionId()));
    Map<String, StoredPrediction> known = predictions.find(ids);
    List<Outcome> outcomes = new ArrayList<>();
    List<Feedback> good = new ArrayList<>();
    for (Feedback f : items) {
      StoredPrediction p = known.get(f.predictionId());
      String error = null;
      if (p == null || !p.deployment().equals(deployment)) {
        error = "prediction '" + f.predictionId() + "' is not in the log of deployment '" + deployment
            + "' (not sampled, dropped, or not this deployment's)";
      } else if (f.row() >= Math.max(1, p.outputs().size())) {
        error = "prediction '" + f.predictionId() + "' has " + p.outputs().size() + " rows; field 'row' is "
            + f.row();
      }
      outcomes.add(new Outcome(f.predictionId(), error == null, error));
      if (error == null) {
        good.add(f);
      }
    }
    if (!good.isEmpty()) {
      String actor = AuditScope.current() == null ? "local" : AuditScope.current().actor();
      long now = System.currentTimeMillis();
      db.write(h -> {
        PreparedBatch batch = h.prepareBatch("INSERT INTO prediction_feedback (prediction_id, row_index, seq, label,"
            + " value, time_ms, actor) VALUES (:id, :row, (SELECT COALESCE(MAX(seq), 0) + 1 FROM prediction_feedback"
            + " WHERE prediction_id = :id AND row_index = :row), :label, :value, :now, :actor)");
        for (Feedback f : good) {
          batch.bind("id", f.predictionId()).bind("row", f.row()).bind("label", f.label())
              .bind("value", f.value()).bind("now", now).bind("actor", actor).add();
        }
        batch.execute();
        return null;
      });
    }
    return outcomes;
  }

  /**
   * Accuracy (classification) and RMSE (regression) per model version in consecutive windows of
   * {@code windowMinutes} from {@code fromMs} (the last may be cut at {@code toMs}), over the deployment's logged,
   * non-shadow predictions with feedback, placed by prediction time; windows without feedback are left out.
   */
  public List<WindowAccuracy> accuracyByWindow(String deployment, long fromMs, long toMs, int windowMinutes) {
    PredictionStore.requireRange(fromMs, toMs);
    if (windowMinutes < 1 || windowMinutes > 525_600) {
      throw CairnException.invalid("field 'window_minutes' is " + windowMinutes + "; it must be 1 to 525600");
    }
    long width = windowMinutes * 60_000L;
    if (fromMs < 0 || (toMs - fromMs) / width >= MAX_WINDOWS) {
      throw CairnException.invalid("the range from " + fromMs + " to " + toMs + " makes more than " + MAX_WINDOWS
          + " windows of " + windowMinutes + " minutes (or starts before 0); use a shorter range or wider windows");
    }
    // the latest feedback per (prediction, row) with its prediction's outputs
    List<Row> rows = db.read(h -> h.createQuery("SELECT p.model_name, p.model_version, p.time_ms, p.outputs,"
            + " f.row_index, f.label, f.value FROM predictions p JOIN prediction_feedback f ON f.prediction_id = p.id"
            + " WHERE p.deployment = :d AND p.time_ms >= :from AND p.time_ms < :to AND p.shadow = 0"
            + " AND f.seq = (SELECT MAX(g.seq) FROM prediction_feedback g WHERE g.prediction_id = f.prediction_id"
            + " AND g.row_index = f.row_index)")
        .bind("d", deployment).bind("from", fromMs).bind("to", toMs)
        .map((rs, ctx) -> {
          double v = rs.getDouble("value");
          Double value = rs.wasNull() ? null : v;
          return new Row(rs.getString("model_name"), rs.getInt("model_version"), rs.getLong("time_ms"),
              rs.getString("outputs"), rs.getInt("row_index"), rs.getString("label"), value);
        }).list());
    Map<Key, Tally> tallies = new TreeMap<>(Comparator.comparing(Key::start).thenComparing(Key::model)
        .thenComparingInt(Key::version));
    for (Row r : rows) {
      long start = fromMs + (r.time - fromMs) / width * width;
      Tally t = tallies.computeIfAbsent(new Key(r.model, r.version, start), k -> new Tally());
      Object predicted = predicted(r);
      t.count++;
      if (r.label != null) {
        t.labelled++;
        if (predicted != null && Objects.equals(String.valueOf(predicted), r.label)) {
          t.correct++;
        }
      } else if (predicted instanceof Number n) {
        double err = n.doubleValue() - r.value;
        t.valued++;
        t.squares += err * err;
      } else {
        t.valued++;
        t.unscored++;
      }
    }
    List<WindowAccuracy> out = new ArrayList<>();
    tallies.forEach((k, t) -> out.add(new WindowAccuracy(k.model, k.version, k.start, Math.min(toMs, k.start + width),
        t.count, t.labelled == 0 ? null : (double) t.correct / t.labelled,
        t.valued - t.unscored <= 0 ? null : Math.sqrt(t.squares / (t.valued - t.unscored)))));
    return out;
  }

  /** The logged output of the row the feedback is about: its {@code label}, or its {@code value}. */
  private static Object predicted(Row r) {
    List<Map<String, Object>> outputs = PredictionStore.parseRows(r.outputs);
    if (r.row >= outputs.size()) {
      return null;
    }
    Map<String, Object> out = outputs.get(r.row);
    return r.label != null ? out.get("label") : out.get("value");
  }

  private record Row(String model, int version, long time, String outputs, int row, String label, Double value) {}

  private record Key(String model, int version, long start) {}

  private static final class Tally {
    int count;
    int labelled;
    int correct;
    int valued;
    int unscored;
    double squares;
  }
}
