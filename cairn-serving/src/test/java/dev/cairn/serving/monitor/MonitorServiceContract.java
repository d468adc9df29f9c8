package dev.cairn.serving.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.feedback.Feedback;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows from a real prediction log, feedback and stored windows, with a real bundle's reference statistics. */
abstract class MonitorServiceContract {
  static final long HOUR = 3_600_000L;

  @TempDir
  Path dir;
  SqlDatabase db;
  PredictionStore predictions;
  FeedbackStore feedback;
  BundleManifest manifest;
  AtomicInteger manifestReads = new AtomicInteger();
  long now = 2 * HOUR + MonitorService.GRACE_MS;

  @BeforeEach
  void open() {
    db = newDatabase();
    predictions = new PredictionStore(db);
    feedback = new FeedbackStore(db, predictions);
    manifest = ModelBundle.load(TestBundles.write(dir.resolve("bundle"), "logistic_regression", Task.CLASSIFICATION,
        Map.of(), Map.of(), true)).manifest();
  }

  @AfterEach
  void close() {
    db.close();
  }

  protected abstract SqlDatabase newDatabase();

  MonitorService service() {
    return new MonitorService(db, predictions, feedback, (model, version) -> {
      manifestReads.incrementAndGet();
      return manifest;
    }, DriftOptions.DEFAULT, () -> now);
  }

  /** {@code n} single-row predictions of {@code version} from {@code startMs}, one a second. */
  static List<StoredPrediction> logged(String prefix, int version, long startMs, int n, boolean shadow) {
    List<Map<String, Object>> rows = TestBundles.rows(n, version * 31L + startMs);
    List<StoredPrediction> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new StoredPrediction(prefix + i, "churn-prod", "churn", version, startMs + i * 1000L,
          List.of(rows.get(i)), List.of(Map.of("label", i % 3 == 0 ? "yes" : "no")), i % 10, shadow));
    }
    return out;
  }

  @Test
  void windowsPerVersionAndHourWithAccuracyFromFeedback() {
    predictions.insert(logged("a", 1, 0, 50, false));
    predictions.insert(logged("b", 1, HOUR + 5_000, 30, false));
    predictions.insert(logged("s", 2, HOUR + 5_000, 20, true)); // a shadow version, under its own version
    predictions.insert(logged("other", 1, 0, 5, false).stream().map(p -> new StoredPrediction("x" + p.id(),
        "another", p.modelName(), 1, p.timeMs(), p.inputs(), p.outputs(), p.latencyMs(), false)).toList());
    feedback.add("churn-prod", List.of(new Feedback("a0", 0, "yes", null), new Feedback("a1", 0, "yes", null)));

    MonitorService service = service();
    List<MonitorWindow> windows = service.windows("churn-prod", 0, 2 * HOUR, 60);

    assertThat(windows).extracting(w -> w.modelVersion() + "@" + w.fromMs() + "-" + w.toMs())
        .containsExactly("1@0-" + HOUR, "1@" + HOUR + "-" + 2 * HOUR, "2@" + HOUR + "-" + 2 * HOUR);
    assertThat(windows).extracting(w -> w.operations().requests()).containsExactly(50L, 30L, 20L);
    // a0 predicted "yes" (i % 3 == 0), a1 "no": one of two right
    assertThat(windows.get(0).accuracy()).isEqualTo(0.5);
    assertThat(windows.get(0).feedback()).isEqualTo(2);
    assertThat(windows.get(1).accuracy()).isNull();
    assertThat(windows).allMatch(w -> w.drift() != null && w.drift().columns().size() == 4);
    // latencies 0..9 ms repeating: p50 of 50 requests is the 25th smallest
    assertThat(windows.get(0).operations().latencyP50Ms()).isEqualTo(4.0);

    service.windows("churn-prod", 0, 2 * HOUR, 30);
    assertThat(manifestReads).as("one manifest read per version, then cached").hasValue(2);
  }

  @Test
  void closedWindowsAreStoredAndReadBackWhileOpenOnesAreComputedAgain() {
    predictions.insert(logged("a", 1, 0, 50, false));
    predictions.insert(logged("b", 1, HOUR, 30, false));
    now = 2 * HOUR; // the second hour has just ended: not closed yet
    List<MonitorWindow> first = service().windows("churn-prod", 0, 2 * HOUR, 60);
    assertThat(first).extracting(w -> w.operations().requests()).containsExactly(50L, 30L);

    // late rows: the stored first hour keeps its figures, the open second hour counts them
    predictions.insert(logged("late", 1, 10_000, 5, false));
    predictions.insert(logged("late2", 1, HOUR + 50_000, 5, false));
    feedback.add("churn-prod", List.of(new Feedback("a0", 0, "yes", null)));
    List<MonitorWindow> second = service().windows("churn-prod", 0, 2 * HOUR, 60);
    assertThat(second).extracting(w -> w.operations().requests()).containsExactly(50L, 35L);
    assertThat(second.get(0)).usingRecursiveComparison().ignoringFields("accuracy", "feedback").isEqualTo(first.get(0));
    assertThat(second.get(0).accuracy()).as("feedback is merged into stored windows too").isEqualTo(1.0);
    // other widths are other slots, computed from the log
    assertThat(service().windows("churn-prod", 0, 2 * HOUR, 120)).extracting(w -> w.operations().requests())
        .containsExactly(90L);
    long slots = db.read(h -> h.createQuery("SELECT COUNT(*) FROM monitor_slots").mapTo(Long.class).one());
    assertThat(slots).isEqualTo(1);
  }

  @Test
  void refusesRangesThatMakeTooManyWindowsOrRunBackwards() {
    assertThatThrownBy(() -> service().windows("churn-prod", 10, 5, 60)).isInstanceOf(CairnException.class)
        .hasMessageContaining("'from' 10 is after 'to' 5");
    assertThatThrownBy(() -> service().windows("churn-prod", 0, 10_001 * 60_000L, 1))
        .hasMessageContaining("more than 10000 windows");
    assertThatThrownBy(() -> service().windows("churn-prod", 0, 1, 0)).hasMessageContaining("'window_minutes' is 0");
    assertThat(service().windows("nobody", 0, HOUR, 60)).isEmpty();
  }
}
