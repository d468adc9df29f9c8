package dev.cairn.serving.monitor;

import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.stats.Profile;
import dev.cairn.ml.bundle.BundleManifest;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.bundle.OutputSchema;
import dev.cairn.serving.feedback.FeedbackStore;
import dev.cairn.serving.feedback.WindowAccuracy;
import dev.cairn.serving.log.PredictionStore;
import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A deployment's monitor windows from the prediction log: the logged predictions (shadow ones included, under their
 * own version) in consecutive windows of N minutes, per model version, each with the figures of {@link MonitorWindow}
 * and the live accuracy from feedback. Closed windows are stored (V73) and read back instead of the log.
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

  private final SqlDatabase db;
  private final PredictionStore predictions;
  private final FeedbackStore feedback;
  private final Manifests manifests;
  private final DriftOptions options;
  private final LongSupplier clock;
  private final ServingCounts counts;
  private final boolean processFigures;
  // bundles never change under a version number, so their parsed reference is kept
  private final Map<String, Reference> references = new ConcurrentHashMap<>();

  /**
   * @param db the shared database holding the log, the feedback and the stored windows (V73)
   * @param clock now in epoch milliseconds: windows ending {@link #GRACE_MS} before it are closed and stored
   */
  public MonitorService(SqlDatabase db, PredictionStore predictions, FeedbackStore feedback, Manifests manifests,
      DriftOptions options, LongSupplier clock) {
    this(db, predictions, feedback, manifests, options, clock, null, false);
  }

  /**
   * As above, with the operations figures of the serving replicas: errors and served requests from {@code counts}
   * (V74; null: none) and, when {@code processFigures}, the process samples (V75) of every replica.
   */
  public MonitorService(SqlDatabase db, PredictionStore predictions, FeedbackStore feedback, Manifests manifests,
      DriftOptions options, LongSupplier clock, ServingCounts counts, boolean processFigures) {
    this.db = db;
    this.predictions = predictions;
    this.feedback = feedback;
    this.manifests = manifests;
    this.options = options;
    this.clock = clock;
    this.counts = counts;
    this.processFigures = processFigures;
  }

  /**
   * Deletes serving counts (V74) and process samples (V75) from before {@code beforeMs}: windows stored by then keep
   * their figures. Returns the rows deleted.
   */
  public int pruneOperations(long beforeMs) {
    return db.write(h -> h.createUpdate("DELETE FROM serving_counts WHERE second_ms < :before").bind("before", beforeMs)
        .execute() + h.createUpdate("DELETE FROM process_samples WHERE time_ms < :before").bind("before", beforeMs)
        .execute());
  }

  /** The most predictions one window of {@code window_predictions} may hold. */
  public static final int MAX_WINDOW_PREDICTIONS = 100_000;
  /** The most windows of {@code window_predictions} one answer holds. */
  public static final int MAX_PREDICTION_WINDOWS = 1000;

  /** A window is stored once it ended this long ago: the prediction log writes in the background, a little late. */
  public static final long GRACE_MS = 120_000;

  /**
   * The windows of {@code windowMinutes} from {@code fromMs} to {@code toMs} (the last one cut at {@code toMs}) with at
   * least one prediction, ordered by start, then model and version. Closed windows computed before are read back
   * from the database; the others are computed from the log, and stored when closed.
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
    Map<Key, MonitorWindow> out = new TreeMap<>(ORDER);
    Set<Long> stored = storedSlots(deployment, fromMs, toMs, width, out);
    long firstMissing = -1;
    long lastMissingEnd = -1;
    for (long start = fromMs; start < toMs; start += width) {
      if (!stored.contains(start)) {
        firstMissing = firstMissing < 0 ? start : firstMissing;
        lastMissingEnd = Math.min(toMs, start + width);
      }
    }
    if (firstMissing >= 0) {
      Map<Key, List<StoredPrediction>> groups = read(deployment, firstMissing, lastMissingEnd, fromMs, width, stored);
      Map<Key, ServingCounts.Totals> totals = new HashMap<>();
      if (counts != null) {
        for (ServingCounts.Totals t : counts.totals(deployment, firstMissing, lastMissingEnd, width)) {
          Key k = new Key(t.modelName(), t.modelVersion(), t.windowStart());
          if (!stored.contains(k.start())) {
            totals.put(k, t);
            groups.putIfAbsent(k, List.of()); // a version whose requests all failed still has a window
          }
        }
      }
      Map<Long, List<ProcessSamples.Figures>> process = processFigures
          ? ProcessSamples.byWindow(db, firstMissing, lastMissingEnd, width) : Map.of();
      List<MonitorWindow> computed = new ArrayList<>();
      groups.forEach((k, rows) -> {
        MonitorWindow w = compute(deployment, k, rows, k.start(), Math.min(toMs, k.start() + width));
        computed.add(withOps(w, totals.get(k), process.get(k.start())));
      });
      computed.forEach(w -> out.put(new Key(w.modelName(), w.modelVersion(), w.fromMs()), w));
      store(deployment, fromMs, toMs, width, stored, computed);
    }
    Map<Key, WindowAccuracy> accuracy = new HashMap<>();
    for (WindowAccuracy a : feedback.accuracyByWindow(deployment, fromMs, toMs, windowMinutes)) {
      accuracy.put(new Key(a.modelName(), a.modelVersion(), a.windowStart()), a);
    }
    List<MonitorWindow> answer = new ArrayList<>(out.size());
    out.forEach((k, w) -> {
      WindowAccuracy a = accuracy.get(k);
      answer.add(a == null ? w : w.withAccuracy(a.accuracy(), a.rmse(), a.count()));
    });
    return answer;
  }

  /** The window of {@code rows}; a failures-only key (no version chosen) has no bundle and so no schema. */
  private MonitorWindow compute(String deployment, Key k, List<StoredPrediction> rows, long from, long to) {
    if (k.model().equals(ServingCounts.NO_VERSION)) {
      return new MonitorWindow(deployment, k.model(), k.version(), from, to,
          new MonitorWindow.Operations(0, 0, null, null, null, null), List.of(), null, null, 0, null, null, null);
    }
    Reference ref = reference(k.model(), k.version());
    return MonitorWindow.compute(ref.inputs(), ref.output(), ref.profile(), deployment, k.model(), k.version(), from,
        to, rows, options);
  }

  private MonitorWindow withOps(MonitorWindow w, ServingCounts.Totals totals, List<ProcessSamples.Figures> process) {
    MonitorWindow out = w;
    if (counts != null) {
      out = out.withOperations(out.operations().withCounts(totals == null ? 0 : totals.requests(),
          totals == null ? 0 : totals.errors()));
    }
    return process == null ? out : out.withProcess(process);
  }

  /**
   * Consecutive windows of {@code n} logged predictions per model version (shadow ones under their own version)
   * among those logged in {@code [fromMs, toMs)}, oldest first; a version's last predictions that do not fill a
   * window yet are left out. A window spans from its first prediction's time to just after its last one; its
   * errors and process figures are those counted in that span. Computed from the log every time, never stored.
   */
  public List<MonitorWindow> windowsOfPredictions(String deployment, long fromMs, long toMs, int n) {
    PredictionStore.requireRange(fromMs, toMs);
    if (n < 1 || n > MAX_WINDOW_PREDICTIONS) {
      throw CairnException.invalid("field 'window_predictions' is " + n + "; it must be 1 to "
          + MAX_WINDOW_PREDICTIONS);
    }
    Map<Key, List<StoredPrediction>> byVersion = read(deployment, fromMs, toMs, fromMs, Long.MAX_VALUE / 4, Set.of());
    List<MonitorWindow> out = new ArrayList<>();
    for (Map.Entry<Key, List<StoredPrediction>> e : byVersion.entrySet()) {
      List<StoredPrediction> rows = e.getValue();
      if (rows.size() / n > MAX_PREDICTION_WINDOWS || out.size() + rows.size() / n > MAX_PREDICTION_WINDOWS) {
        throw CairnException.invalid("the range from " + fromMs + " to " + toMs + " makes more than "
            + MAX_PREDICTION_WINDOWS + " windows of " + n + " predictions; use a shorter range or a larger"
            + " 'window_predictions'");
      }
      for (int i = 0; i + n <= rows.size(); i += n) {
        List<StoredPrediction> chunk = rows.subList(i, i + n);
        long from = chunk.get(0).timeMs();
        long to = chunk.get(n - 1).timeMs() + 1;
        MonitorWindow w = compute(deployment, e.getKey(), chunk, from, to);
        ServingCounts.Totals totals = null;
        if (counts != null) {
          long served = 0;
          long errors = 0;
          for (ServingCounts.Totals t : counts.totals(deployment, from, to, to - from)) {
            if (t.modelName().equals(w.modelName()) && t.modelVersion() == w.modelVersion()) {
              served += t.requests();
              errors += t.errors();
            }
          }
          totals = new ServingCounts.Totals(w.modelName(), w.modelVersion(), from, served, 0, errors);
        }
        List<ProcessSamples.Figures> process = processFigures
            ? ProcessSamples.byWindow(db, from, to, to - from).get(from) : null;
        w = withOps(w, totals, process);
        int minutes = (int) Math.min(525_600, (to - from) / 60_000 + 1);
        for (WindowAccuracy a : feedback.accuracyByWindow(deployment, from, to, minutes)) {
          if (a.modelName().equals(w.modelName()) && a.modelVersion() == w.modelVersion()) {
            w = w.withAccuracy(a.accuracy(), a.rmse(), a.count());
          }
        }
        out.add(w);
      }
    }
    out.sort(Comparator.comparingLong(MonitorWindow::fromMs).thenComparing(MonitorWindow::modelName)
        .thenComparingInt(MonitorWindow::modelVersion));
    return out;
  }

  private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::start).thenComparing(Key::model)
      .thenComparingInt(Key::version);

  /** The stored slots of this range and width, their windows put into {@code out}. */
  private Set<Long> storedSlots(String deployment, long fromMs, long toMs, long width, Map<Key, MonitorWindow> out) {
    Set<Long> slots = new HashSet<>();
    db.read(h -> h.createQuery("SELECT from_ms, to_ms FROM monitor_slots WHERE deployment = :d AND from_ms >= :from"
            + " AND from_ms < :to").bind("d", deployment).bind("from", fromMs).bind("to", toMs)
        .map((rs, ctx) -> new long[] {rs.getLong("from_ms"), rs.getLong("to_ms")}).list())
        .forEach(s -> {
          if ((s[0] - fromMs) % width == 0 && s[1] == Math.min(toMs, s[0] + width)) {
            slots.add(s[0]);
          }
        });
    if (!slots.isEmpty()) {
      db.read(h -> h.createQuery("SELECT from_ms, to_ms, body FROM monitor_windows WHERE deployment = :d"
              + " AND from_ms >= :from AND from_ms < :to").bind("d", deployment).bind("from", fromMs).bind("to", toMs)
          .map((rs, ctx) -> new Object[] {rs.getLong("from_ms"), rs.getLong("to_ms"), rs.getString("body")}).list())
          .forEach(r -> {
            long start = (Long) r[0];
            if (slots.contains(start) && (Long) r[1] == Math.min(toMs, start + width)) {
              MonitorWindow w = parse((String) r[2]);
              out.put(new Key(w.modelName(), w.modelVersion(), start), w);
            }
          });
    }
    return slots;
  }

  private Map<Key, List<StoredPrediction>> read(String deployment, long from, long to, long rangeFrom, long width,
      Set<Long> stored) {
    Map<Key, List<StoredPrediction>> groups = new TreeMap<>(ORDER);
    long read = 0;
    String token = null;
    do {
      Page<StoredPrediction> page = predictions.list(deployment, from, to, PredictionStore.MAX_PAGE_SIZE, token);
      for (StoredPrediction p : page.items()) {
        long start = rangeFrom + (p.timeMs() - rangeFrom) / width * width;
        if (!stored.contains(start)) {
          groups.computeIfAbsent(new Key(p.modelName(), p.modelVersion(), start), k -> new ArrayList<>()).add(p);
        }
      }
      read += page.items().size();
      if (read > MAX_PREDICTIONS) {
        throw CairnException.invalid("deployment '" + deployment + "' logged more than " + MAX_PREDICTIONS
            + " predictions from " + from + " to " + to + "; ask for a shorter range");
      }
      token = page.nextPageToken();
    } while (token != null);
    return groups;
  }

  /** Stores the closed slots just computed, with their windows (accuracy left out), in one write. */
  private void store(String deployment, long fromMs, long toMs, long width, Set<Long> stored,
      List<MonitorWindow> computed) {
    long closedBefore = clock.getAsLong() - GRACE_MS;
    List<long[]> slots = new ArrayList<>();
    for (long start = fromMs; start < toMs; start += width) {
      long end = Math.min(toMs, start + width);
      if (!stored.contains(start) && end <= closedBefore) {
        slots.add(new long[] {start, end});
      }
    }
    if (slots.isEmpty()) {
      return;
    }
    Set<Long> closed = new HashSet<>();
    slots.forEach(s -> closed.add(s[0]));
    long now = clock.getAsLong();
    db.write(h -> {
      for (long[] s : slots) {
        // another request may have stored the same slot meanwhile: its figures are the same
        boolean exists = h.createQuery("SELECT COUNT(*) FROM monitor_slots WHERE deployment = :d AND from_ms = :f"
            + " AND to_ms = :t").bind("d", deployment).bind("f", s[0]).bind("t", s[1]).mapTo(Long.class).one() > 0;
        if (exists) {
          closed.remove(s[0]);
          continue;
        }
        h.createUpdate("INSERT INTO monitor_slots (deployment, from_ms, to_ms, computed_ms) VALUES (:d, :f, :t, :now)")
            .bind("d", deployment).bind("f", s[0]).bind("t", s[1]).bind("now", now).execute();
      }
      for (MonitorWindow w : computed) {
        if (closed.contains(w.fromMs())) {
          h.createUpdate("INSERT INTO monitor_windows (deployment, from_ms, to_ms, model_name, model_version, body)"
                  + " VALUES (:d, :f, :t, :m, :v, :body)").bind("d", deployment).bind("f", w.fromMs())
              .bind("t", w.toMs()).bind("m", w.modelName()).bind("v", w.modelVersion()).bind("body", Json.write(w))
              .execute();
        }
      }
      return null;
    });
  }

  private static MonitorWindow parse(String body) {
    try {
      return Json.MAPPER.readValue(body, MonitorWindow.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a stored monitor window does not parse: " + e.getMessage(), e);
    }
  }

  private Reference reference(String model, int version) {
    return references.computeIfAbsent(model + "\n" + version, k -> {
      BundleManifest m = manifests.of(model, version);
      return new Reference(m.inputSchema(), m.outputSchema(), MonitorWindow.reference(m));
    });
  }
}
