package dev.cairn.server.inference;

import dev.cairn.serving.log.PredictionLog;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.serving.monitor.ServingCounts;
import dev.cairn.serving.serve.Served;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Live serving figures per deployment and model version, in Micrometer (so on {@code /metrics}) and in the serving
 * counts the monitor windows read (V74). A deployment version's meters are registered on its first request and kept
 * in a small array per deployment: a request costs a map read by the deployment name, a scan of a few entries and
 * a few adder increments, never a string built or a meter looked up by tags.
 *
 * <pre>
 * cairn_serving_requests_total{deployment,model,version}         answered inference requests
 * cairn_serving_predictions_total{deployment,model,version}      rows scored
 * cairn_serving_errors_total{deployment,model,version}           failed requests (4xx, 5xx); model="" version="" when
 *                                                                 the failure came before a version was chosen
 * cairn_serving_latency_seconds{deployment,model,version}        handler time, histogram (_bucket, _count, _sum)
 * cairn_serving_shadow_requests_total{deployment,model,version}  copies handed to a shadow version
 * cairn_prediction_log_queue / _written_total / _dropped_total{reason}
 * cairn_serving_models_loaded                                    model versions in the model cache
 * cairn_monitor_drift_share / cairn_monitor_accuracy{deployment,model,version}   the latest stored window's figures
 * </pre>
 */
public final class ServingMetrics {
  /** The meters of one deployment's model version. */
  public final class VersionMeters {
    private final String model;
    private final int version;
    private final Counter requests;
    private final Counter predictions;
    private final Counter errors;
    private final Counter shadows;
    private final Timer latency;
    private final ServingCounts.Counter counts;

    private VersionMeters(String deployment, String model, int version) {
      this.model = model;
      this.version = version;
      String v = model.isEmpty() ? "" : Integer.toString(version);
      requests = Counter.builder("cairn.serving.requests").description("answered inference requests")
          .tag("deployment", deployment).tag("model", model).tag("version", v).register(registry);
      predictions = Counter.builder("cairn.serving.predictions").description("rows scored")
          .tag("deployment", deployment).tag("model", model).tag("version", v).register(registry);
      errors = Counter.builder("cairn.serving.errors").description("failed inference requests (4xx and 5xx)")
          .tag("deployment", deployment).tag("model", model).tag("version", v).register(registry);
      shadows = Counter.builder("cairn.serving.shadow.requests").description("request copies handed to a shadow")
          .tag("deployment", deployment).tag("model", model).tag("version", v).register(registry);
      latency = Timer.builder("cairn.serving.latency").description("inference handler time")
          .tag("deployment", deployment).tag("model", model).tag("version", v)
          .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
          .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
      counts = servingCounts == null ? null : servingCounts.counter(deployment, model, version);
    }

    /** One request answered with {@code rows} rows after {@code nanos}. */
    public void answered(int rows, long nanos) {
      requests.increment();
      predictions.increment(rows);
      latency.record(nanos, TimeUnit.NANOSECONDS);
      if (counts != null) {
        counts.answered(rows);
      }
    }

    /** One request failed. */
    public void failed() {
      errors.increment();
      if (counts != null) {
        counts.failed();
      }
    }

    /** One copy handed to this (shadow) version. */
    public void shadowed() {
      shadows.increment();
    }
  }

  private static final class DeploymentMeters {
    volatile VersionMeters[] versions = new VersionMeters[0];
    volatile VersionMeters unversioned;
  }

  private final MeterRegistry registry;
  private final ServingCounts servingCounts;
  private final Map<String, DeploymentMeters> deployments = new ConcurrentHashMap<>();
  /** The latest stored window's figures per (deployment, model, version), read by gauges. */
  private final Map<List<Object>, AtomicReference<MonitorWindow>> lastWindows = new ConcurrentHashMap<>();

  /** @param counts where requests are also counted for the monitor windows; null: Micrometer only */
  public ServingMetrics(MeterRegistry registry, ServingCounts counts) {
    this.registry = registry;
    this.servingCounts = counts;
  }

  /** The meters of {@code served}'s version in {@code deployment}. */
  public VersionMeters of(String deployment, Served served) {
    return of(deployment, served.modelName(), served.modelVersion());
  }

  public VersionMeters of(String deployment, String model, int version) {
    DeploymentMeters d = deployment(deployment);
    for (VersionMeters m : d.versions) {
      if (m.version == version && m.model.equals(model)) {
        return m;
      }
    }
    synchronized (d) {
      VersionMeters[] now = d.versions;
      for (VersionMeters m : now) {
        if (m.version == version && m.model.equals(model)) {
          return m;
        }
      }
      VersionMeters m = new VersionMeters(deployment, model, version);
      VersionMeters[] grown = Arrays.copyOf(now, now.length + 1);
      grown[now.length] = m;
      d.versions = grown;
      return m;
    }
  }

  /** The meters of a deployment's failures before a version was chosen. */
  public VersionMeters unversioned(String deployment) {
    DeploymentMeters d = deployment(deployment);
    VersionMeters m = d.unversioned;
    if (m == null) {
      synchronized (d) {
        if (d.unversioned == null) {
          d.unversioned = new VersionMeters(deployment, ServingCounts.NO_VERSION, 0);
        }
        m = d.unversioned;
      }
    }
    return m;
  }

  private DeploymentMeters deployment(String name) {
    DeploymentMeters d = deployments.get(name);
    return d != null ? d : deployments.computeIfAbsent(name, n -> new DeploymentMeters());
  }

  /** Gauges and counters of the prediction log's queue. */
  public void bindPredictionLog(PredictionLog log) {
    Gauge.builder("cairn.prediction.log.queue", log, PredictionLog::queued)
        .description("predictions waiting to be written").register(registry);
    FunctionCounter.builder("cairn.prediction.log.written", log, l -> l.counters().written())
        .description("predictions written to the log").register(registry);
    Map<String, ToDoubleFunction<PredictionLog>> dropped = new HashMap<>();
    dropped.put("full", l -> l.counters().droppedFull());
    dropped.put("sampling", l -> l.counters().droppedSampling());
    dropped.put("write_failure", l -> l.counters().writeFailures());
    dropped.forEach((reason, f) -> FunctionCounter.builder("cairn.prediction.log.dropped", log, f)
        .description("predictions not logged, by reason").tag("reason", reason).register(registry));
  }

  /** A gauge of how many model versions the model cache holds. */
  public <T> void bindModelCache(T cache, ToDoubleFunction<T> loaded) {
    Gauge.builder("cairn.serving.models.loaded", cache, loaded).description("model versions loaded")
        .register(registry);
  }

  /**
   * Takes a deployment's windows (oldest first, as the monitor scheduler computes them): the latest window of each
   * model version becomes its drift share and accuracy gauges (NaN while a figure is unknown).
   */
  public void windows(List<MonitorWindow> windows) {
    for (MonitorWindow w : windows) {
      if (w.modelName().isEmpty()) {
        continue; // failures before a version was chosen: no drift, no accuracy
      }
      AtomicReference<MonitorWindow> last = lastWindows.computeIfAbsent(
          List.of(w.deployment(), w.modelName(), w.modelVersion()), k -> {
            AtomicReference<MonitorWindow> ref = new AtomicReference<>(w);
            String version = Integer.toString(w.modelVersion());
            Gauge.builder("cairn.monitor.drift.share", ref, r -> r.get().driftShare())
                .description("drift share of the latest stored monitor window").tag("deployment", w.deployment())
                .tag("model", w.modelName()).tag("version", version).register(registry);
            Gauge.builder("cairn.monitor.accuracy", ref,
                    r -> r.get().accuracy() == null ? Double.NaN : r.get().accuracy())
                .description("live accuracy of the latest stored monitor window").tag("deployment", w.deployment())
                .tag("model", w.modelName()).tag("version", version).register(registry);
            return ref;
          });
      last.accumulateAndGet(w, (old, next) -> next.fromMs() >= old.fromMs() ? next : old);
    }
  }
}
