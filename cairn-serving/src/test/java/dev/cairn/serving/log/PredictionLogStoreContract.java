package dev.cairn.serving.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.core.CairnException;
import dev.cairn.serving.feedback.Feedback;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.feedback.WindowAccuracy;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database backing the prediction log and feedback must do; run on SQLite and PostgreSQL. */
abstract class PredictionLogStoreContract {
  static final long MINUTE = 60_000L;

  protected abstract SqlDatabase newDatabase();

  SqlDatabase db;
  PredictionStore predictions;
  FeedbackStore feedback;

  @BeforeEach
  void open() {
    db = newDatabase();
    predictions = new PredictionStore(db);
    feedback = new FeedbackStore(db, predictions);
  }

  @AfterEach
  void close() {
    db.close();
  }

  static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static StoredPrediction label(String id, String deployment, int version, long time, String predicted) {
    return new StoredPrediction(id, deployment, "churn", version, time, List.of(row("age", 30)),
        List.of(row("label", predicted)), 1.5, false);
  }

  static StoredPrediction value(String id, long time, double predicted) {
    return new StoredPrediction(id, "price", "house", 1, time, List.of(row("rooms", 3)),
        List.of(row("value", predicted)), 2.0, false);
  }

  @Test
  void aBatchRoundTripsWithEveryField() {
    StoredPrediction p = new StoredPrediction("p1", "churn-prod", "churn", 3, 1000, List.of(row("age", 31,
        "city", "Lyon", "gone", null), row("age", 40.5, "city", "Nice", "gone", true)),
        List.of(row("label", "yes", "probabilities", Map.of("yes", 0.75, "no", 0.25)), row("label", "no")), 4.25,
        true);
    StoredPrediction laterRowOfACall = new StoredPrediction("p3", "churn-prod", "churn", 3, 1000, List.of(row("age", 2)),
        List.of(row("label", "no")), 4.25, false, 0);
    predictions.insert(List.of(p, label("p2", "churn-prod", 3, 2000, "no"), laterRowOfACall));
    assertThat(predictions.get("p3").orElseThrow()).isEqualTo(laterRowOfACall);
    assertThat(predictions.get("p3").orElseThrow().startsRequest()).isFalse();

    StoredPrediction back = predictions.get("p1").orElseThrow();
    assertThat(back).isEqualTo(p);
    assertThat(predictions.get("nope")).isEmpty();
    assertThat(predictions.find(List.of("p1", "p2", "zz")).keySet()).containsExactlyInAnyOrder("p1", "p2");
  }

  @Test
  void aFailedBatchWritesNothing() {
    predictions.insert(List.of(label("dup", "d", 1, 1, "a")));
    assertThatThrownBy(() -> predictions.insert(List.of(label("new", "d", 1, 2, "a"), label("dup", "d", 1, 3, "a"))))
        .isInstanceOf(CairnException.class);
    assertThat(predictions.get("new")).isEmpty();
  }

  @Test
  void listsByDeploymentAndTimeRangeInPages() {
    List<StoredPrediction> rows = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      rows.add(label(String.format("a%02d", i), "a", 1, 100 + i, "x"));
      rows.add(label(String.format("b%02d", i), "b", 1, 100 + i, "x"));
    }
    predictions.insert(rows);

    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<StoredPrediction> page = predictions.list("a", 105, 120, 4, token);
      page.items().forEach(p -> seen.add(p.id()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    // [105, 120) holds a05..a19: 15 rows, 4 pages of at most 4
    assertThat(seen).hasSize(15).first().isEqualTo("a05");
    assertThat(seen).last().isEqualTo("a19");
    assertThat(seen).allMatch(id -> id.startsWith("a"));
    assertThat(pages).isEqualTo(4);
    assertThatThrownBy(() -> predictions.list("a", 10, 5, 4, null)).hasMessageContaining("'to'");
    assertThatThrownBy(() -> predictions.list("a", 0, 5, 1001, null)).hasMessageContaining("max_results")
        .hasMessageContaining("1000");
  }

  @Test
  void feedbackOnUnknownOrOtherDeploymentsPredictionsIsRefusedPerItem() {
    predictions.insert(List.of(label("p1", "churn-prod", 1, 10, "yes"), label("q1", "other", 1, 10, "yes")));
    List<FeedbackStore.Outcome> out = feedback.add("churn-prod", List.of(new Feedback("p1", 0, "yes", null),
        new Feedback("q1", 0, "yes", null), new Feedback("zz", 0, "no", null), new Feedback("p1", 3, "no", null)));
    assertThat(out).extracting(FeedbackStore.Outcome::recorded).containsExactly(true, false, false, false);
    assertThat(out.get(1).error()).contains("'q1'").contains("churn-prod");
    assertThat(out.get(3).error()).contains("1 rows").contains("'row' is 3");
    int stored = db.read(h -> h.createQuery("SELECT COUNT(*) FROM prediction_feedback").mapTo(Integer.class).one());
    assertThat(stored)
        .isEqualTo(1);
  }

  @Test
  void classificationAccuracyPerWindowAndVersionMatchesHandCount() {
    long t0 = 1_000 * MINUTE;
    // window [t0, t0+10m): v1: p1 right, p2 wrong, p3 right (corrected later to wrong), p4 no feedback; v2: p5 right
    // window [t0+10m, t0+20m): v1: p6 right; v2: p7 wrong; shadow p8 is never counted
    predictions.insert(List.of(label("p1", "d", 1, t0, "yes"), label("p2", "d", 1, t0 + MINUTE, "no"),
        label("p3", "d", 1, t0 + 9 * MINUTE, "yes"), label("p4", "d", 1, t0 + 2 * MINUTE, "yes"),
        label("p5", "d", 2, t0 + 3 * MINUTE, "no"), label("p6", "d", 1, t0 + 10 * MINUTE, "no"),
        label("p7", "d", 2, t0 + 19 * MINUTE, "yes"),
        new StoredPrediction("p8", "d", "churn", 3, t0 + 11 * MINUTE, List.of(), List.of(row("label", "yes")), 1,
            true)));
    feedback.add("d", List.of(new Feedback("p1", 0, "yes", null), new Feedback("p2", 0, "yes", null),
        new Feedback("p3", 0, "yes", null), new Feedback("p5", 0, "no", null), new Feedback("p6", 0, "no", null),
        new Feedback("p7", 0, "no", null), new Feedback("p8", 0, "yes", null)));
    feedback.add("d", List.of(new Feedback("p3", 0, "no", null))); // a correction: the latest counts

    List<WindowAccuracy> windows = feedback.accuracyByWindow("d", t0, t0 + 20 * MINUTE, 10);
    assertThat(windows).containsExactly(
        new WindowAccuracy("churn", 1, t0, t0 + 10 * MINUTE, 3, 1.0 / 3, null),
        new WindowAccuracy("churn", 2, t0, t0 + 10 * MINUTE, 1, 1.0, null),
        new WindowAccuracy("churn", 1, t0 + 10 * MINUTE, t0 + 20 * MINUTE, 1, 1.0, null),
        new WindowAccuracy("churn", 2, t0 + 10 * MINUTE, t0 + 20 * MINUTE, 1, 0.0, null));
    // one 20-minute window: v1 2 right of 4
    assertThat(feedback.accuracyByWindow("d", t0, t0 + 20 * MINUTE, 20)).first()
        .extracting(WindowAccuracy::accuracy).isEqualTo(0.5);
  }

  @Test
  void regressionRmsePerWindowMatchesHandCount() {
    long t0 = 0;
    predictions.insert(List.of(value("r1", t0, 10), value("r2", t0 + MINUTE, 4), value("r3", t0 + 5 * MINUTE, 1)));
    feedback.add("price", List.of(new Feedback("r1", 0, null, 13.0), new Feedback("r2", 0, null, 0.0),
        new Feedback("r3", 0, null, 2.0)));
    List<WindowAccuracy> windows = feedback.accuracyByWindow("price", 0, 10 * MINUTE, 5);
    // window 1: errors 3 and 4 -> sqrt((9 + 16) / 2); window 2: error 1 -> 1
    assertThat(windows).hasSize(2);
    assertThat(windows.get(0).rmse()).isCloseTo(Math.sqrt(12.5), within(1e-12));
    assertThat(windows.get(0).accuracy()).isNull();
    assertThat(windows.get(1).rmse()).isCloseTo(1.0, within(1e-12));
    assertThat(windows.get(1).count()).isEqualTo(1);
    assertThatThrownBy(() -> feedback.accuracyByWindow("price", 0, 10, 0)).hasMessageContaining("window_minutes");
    assertThatThrownBy(() -> feedback.accuracyByWindow("price", 0, 10_001 * MINUTE, 1))
        .hasMessageContaining("more than 10000 windows");
  }
}
