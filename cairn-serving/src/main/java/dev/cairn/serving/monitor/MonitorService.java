package dev.cairn.serving.monitor;

import dev.cairn.core.CairnException;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.stats.Profile;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.feedback.WindowAccuracy;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deployment's monitor windows computed on demand from the prediction log: the logged predictions (shadow ones
 * included, under their own version) in consecutive windows of N minutes, per model version, each with the figures of
 * {@link MonitorWindow} and the live accuracy from feedback.
 */
public final class MonitorService {
  /** At most this many logged predictions are read for one answer. */
  public static final int MAX_PREDICTIONS = 1_000_000;

  /** The manifest of a model version's bundle (its schema and reference statistics). */
  @FunctionalInterface
  public interface Manifests {
    BundleManifest of(String modelName, int version);
  }

  private record Key(String model, int version, long start) {}

  private record Reference(List<InputField> inputs, OutputSchema output, Profile profile) {}

  private final PredictionStore predictions;
  private final FeedbackStore feedback;
  private final Manifests manifests;
  private final DriftOptions options;
  // bundles never change under a version number, so their parsed reference is kept
  private final Map<String, Reference> references = new ConcurrentHashMap<>();

  public MonitorService(PredictionStore predictions, FeedbackStore feedback, Manifests manifests,
      DriftOptions options) {
    this.predictions = predictions;
    this.feedback = feedback;
    this.manifests = manifests;
    this.options = options;
  }

  /**
   * The windows of {@code windowMinutes} from {@code fromMs} to {@code toMs} (the last one cut at {@code toMs}) with at
   * least one prediction, ordered by start, then model and version.
   */
  public List<MonitorWindow> windows(String deployment, long fromMs, long toMs, int windowMinutes) {
    PredictionStore.requireRange(fromMs, toMs);
    if (windowMinutes < 1 || windowMinutes > 525_600) {
      throw CairnException.invalid("field 'window_minutes' is " + windowMinutes + "; it must be 1 to 525600");
    }
    long width = windowMinutes * 60_000L;
    if (fromMs < 0 || (toMs - fromMs) / width >= FeedbackStore.MAX_WINDOWS) {
      throw CairnException.invalid("the range from " + fromMs + " to " + toMs + " makes more than "
          + FeedbackStore.MAX_WINDOWS + " windows of " + windowMinutes + " minutes (or starts before 0); use a shorter"
          + " range or wider windows");
    }
    Map<Key, List<StoredPrediction>> groups = new TreeMap<>(Comparator.comparingLong(Key::start)
        .thenComparing(Key::model).thenComparingInt(Key::version));
    long read = 0;
    String token = null;
    do {
      Page<StoredPrediction> page = predictions.list(deployment, fromMs, toMs, PredictionStore.MAX_PAGE_SIZE, token);
      for (StoredPrediction p : page.items()) {
        long start = fromMs + (p.timeMs() - fromMs) / width * width;
        groups.computeIfAbsent(new Key(p.modelName(), p.modelVersion(), start), k -> new ArrayList<>()).add(p);
      }
      read += page.items().size();
      if (read > MAX_PREDICTIONS) {
        throw CairnException.invalid("deployment '" + deployment + "' logged more than " + MAX_PREDICTIONS
            + " predictions from " + fromMs + " to " + toMs + "; ask for a shorter range");
      }
      token = page.nextPageToken();
    } while (token != null);
    Map<Key, WindowAccuracy> accuracy = new java.util.HashMap<>();
    for (WindowAccuracy a : feedback.accuracyByWindow(deployment, fromMs, toMs, windowMinutes)) {
      accuracy.put(new Key(a.modelName(), a.modelVersion(), a.windowStart()), a);
    }
    List<MonitorWindow> out = new ArrayList<>(groups.size());
    groups.forEach((k, rows) -> {
      Reference ref = reference(k.model(), k.version());
      MonitorWindow w = MonitorWindow.compute(ref.inputs(), ref.output(), ref.profile(), deployment, k.model(),
          k.version(), k.start(), Math.min(toMs, k.start() + width), rows, options);
      WindowAccuracy a = accuracy.get(k);
      out.add(a == null ? w : w.withAccuracy(a.accuracy(), a.rmse(), a.count()));
    });
    return out;
  }

  private Reference reference(String model, int version) {
    return references.computeIfAbsent(model + "\n" + version, k -> {
      BundleManifest m = manifests.of(model, version);
      return new Reference(m.inputSchema(), m.outputSchema(), MonitorWindow.reference(m));
    });
  }
}
