package dev.cairn.serving.alerts;

import dev.cairn.core.CairnException;
import dev.cairn.core.LoopHealth;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.serving.rules.Condition;
import dev.cairn.serving.rules.Evaluation;
import dev.cairn.serving.rules.Metric;
import dev.cairn.serving.rules.WindowFigures;
import dev.cairn.store.audit.AuditScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every alert rule periodically: per rule, watched deployment and model version, the newest
 * {@code windowsNeeded()} closed windows of the rule's width (aligned to the epoch) from the {@link MonitorService}.
 * A TRUE verdict fires an alert (unless one fires already), FALSE resolves a firing one, UNKNOWN (missing figures, too
 * few windows, no traffic in the newest window) changes nothing. Each change is one write with its audit event (actor
 * {@value #ACTOR}) and webhook deliveries; the store's unique keys keep several servers from repeating a change.
 */
public final class AlertEvaluator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);
  /** The audit actor of alert changes. */
  public static final String ACTOR = "system:alerts";
  /** Seconds between rounds: this environment variable (or system property {@code cairn.alerts.interval-seconds}). */
  public static final String INTERVAL_ENV = "CAIRN_ALERTS_INTERVAL_SECONDS";

  /**
   * How the evaluator runs.
   *
   * @param interval time between rounds; zero runs no rounds by themselves (tests call {@link #evaluate})
   * @param graceMs a window counts as closed this long after its end (the prediction log writes a little late)
   */
  public record Settings(Duration interval, long graceMs) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    public Settings {
      if (interval.isNegative() || graceMs < 0) {
        throw CairnException.invalid("alert evaluation interval and grace must not be negative");
      }
    }

    /** The interval from {@value #INTERVAL_ENV} (default 60 s; 0 turns periodic rounds off), the monitor's grace. */
    public static Settings fromEnvironment() {
      String text = System.getProperty("cairn.alerts.interval-seconds", System.getenv(INTERVAL_ENV));
      if (text == null || text.isBlank()) {
        return new Settings(DEFAULT_INTERVAL, MonitorService.GRACE_MS);
      }
      long seconds;
      try {
        seconds = Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        throw CairnException.invalid(INTERVAL_ENV + " is '" + text + "'; it must be a whole number of seconds");
      }
      if (seconds < 0 || seconds > 86_400) {
        throw CairnException.invalid(INTERVAL_ENV + " is " + seconds + "; it must be 0 (off) to 86400 seconds");
      }
      return new Settings(Duration.ofSeconds(seconds), MonitorService.GRACE_MS);
    }
  }

  /** What one round changed. */
  public record Round(List<Alert> fired, List<Alert> resolved) {}

  private final AlertStore store;
  private final MonitorService monitors;
  private final Supplier<List<String>> deployments;
  private final Runnable afterChanges;
  private final LongSupplier clock;
  private final Settings settings;
  /** Each round's outcome, for /health. */
  private final LoopHealth rounds;
  private ScheduledExecutorService timer;

  /**
   * @param deployments the names of every deployment (for rules that watch all)
   * @param afterChanges run after a round that recorded changes (wakes the webhook sender)
   * @param clock now in epoch milliseconds
   */
  public AlertEvaluator(AlertStore store, MonitorService monitors, Supplier<List<String>> deployments,
      Runnable afterChanges, LongSupplier clock, Settings settings) {
    this.store = store;
    this.monitors = monitors;
    this.deployments = deployments;
    this.afterChanges = afterChanges;
    this.clock = clock;
    this.settings = settings;
    this.rounds = new LoopHealth("alert-evaluator", LoopHealth.DEFAULT_FAILED_ROUNDS, clock);
  }

  /** For /health: degraded when the last rounds all failed (the database away, a rule that cannot be evaluated). */
  public LoopHealth health() {
    return rounds;
  }

  /** Starts periodic rounds, unless the interval is zero. */
  public synchronized void start() {
    if (settings.interval().isZero() || timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cairn-alerts");
      t.setDaemon(true);
      return t;
    });
    long ms = settings.interval().toMillis();
    timer.scheduleWithFixedDelay(() -> {
      try {
        evaluate();
      } catch (RuntimeException e) {
        LOG.warn("alert evaluation failed: {}", e.getMessage());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Runs one round now, on the calling thread, and says what changed. */
  public Round evaluate() {
    return evaluate(clock.getAsLong(), false);
  }

  /**
   * Runs one round on the calling thread judging the windows closed at {@code asOfMs}; with {@code includeOpen} the
   * window {@code asOfMs} falls in is judged too, as if it had closed (to try a rule on fresh traffic without waiting
   * for its window to close). Changes are stamped with the clock's time.
   */
  public Round evaluate(long asOfMs, boolean includeOpen) {
    List<Alert> fired = new ArrayList<>();
    List<Alert> resolved = new ArrayList<>();
    AuditScope saved = AuditScope.current();
    AuditScope.enter(new AuditScope(ACTOR, null, null, "alerts.evaluate"));
    String failure = null;
    try {
      List<AlertRule> rules = store.allRules();
      List<String> all = rules.stream().anyMatch(r -> r.deployment().equals(AlertRule.ALL)) ? deployments.get()
          : List.of();
      for (AlertRule rule : rules) {
        List<String> watched = rule.deployment().equals(AlertRule.ALL) ? all : List.of(rule.deployment());
        for (String deployment : watched) {
          try {
            evaluate(rule, deployment, asOfMs, includeOpen, fired, resolved);
          } catch (RuntimeException e) {
            LOG.warn("alert rule {} on deployment {}: {}", rule.name(), deployment, e.getMessage());
            failure = "rule '" + rule.name() + "' on deployment '" + deployment + "': " + e.getMessage();
          }
        }
      }
    } catch (RuntimeException e) {
      rounds.failed("cannot read the rules or deployments: " + e.getMessage());
      throw e;
    } finally {
      if (saved == null) {
        AuditScope.clear();
      } else {
        AuditScope.enter(saved);
      }
    }
    if (failure == null) {
      rounds.succeeded();
    } else {
      rounds.failed(failure);
    }
    if (!fired.isEmpty() || !resolved.isEmpty()) {
      afterChanges.run();
    }
    return new Round(fired, resolved);
  }

  private void evaluate(AlertRule rule, String deployment, long asOfMs, boolean includeOpen, List<Alert> fired,
      List<Alert> resolved) {
    Condition condition = rule.parsedCondition();
    long width = rule.windowMinutes() * 60_000L;
    long lastEnd = includeOpen ? Math.floorDiv(asOfMs, width) * width + width
        : Math.floorDiv(asOfMs - settings.graceMs(), width) * width;
    long now = clock.getAsLong();
    int needed = Math.max(1, condition.windowsNeeded());
    long from = lastEnd - needed * width;
    if (from < 0) {
      return;
    }
    Map<String, List<MonitorWindow>> byVersion = new LinkedHashMap<>();
    // storing closed windows is the monitor's bookkeeping, not an alert change: no audit event for it
    List<MonitorWindow> read = AuditScope.unaudited(() -> monitors.windows(deployment, from, lastEnd,
        rule.windowMinutes()));
    for (MonitorWindow w : read) {
      byVersion.computeIfAbsent(w.modelName() + "/" + w.modelVersion(), k -> new ArrayList<>()).add(w);
    }
    for (List<MonitorWindow> windows : byVersion.values()) {
      MonitorWindow newest = windows.get(windows.size() - 1);
      if (newest.fromMs() != lastEnd - width) {
        continue; // no traffic in the newest window: unknown, nothing changes
      }
      Evaluation e = condition.evaluate(windows.stream().map(WindowFigures::of).toList(), null);
      switch (e.verdict()) {
        case TRUE -> {
          if (store.firing(rule.name(), deployment, newest.modelName(), newest.modelVersion()).isEmpty()) {
            Alert alert = new Alert(AlertStore.newId(), rule.name(), deployment, newest.modelName(),
                newest.modelVersion(), rule.severity(), Alert.FIRING, rule.condition(), now, newest.fromMs(),
                newest.toMs(), e.detail(), figures(condition, newest), null, null);
            store.fire(rule, alert).ifPresent(fired::add);
          }
        }
        case FALSE -> {
          Optional<Alert> open = store.firing(rule.name(), deployment, newest.modelName(), newest.modelVersion());
          open.flatMap(a -> store.resolve(rule, a.id(), now, e.detail())).ifPresent(resolved::add);
        }
        case UNKNOWN -> {
          // missing figures or too few windows: keep the current state
        }
      }
    }
  }

  /** The window's figures the condition reads (those without a feature; the detail shows the others). */
  private static Map<String, Double> figures(Condition condition, MonitorWindow window) {
    Map<String, Double> out = new LinkedHashMap<>();
    WindowFigures f = WindowFigures.of(window);
    for (Metric m : condition.metrics()) {
      if (m != null && !m.takesFeature()) {
        Double v = f.value(m, null);
        if (v != null && !v.isNaN()) {
          out.put(m.wire(), v);
        }
      }
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("the alert evaluator did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timer = null;
    }
  }
}
