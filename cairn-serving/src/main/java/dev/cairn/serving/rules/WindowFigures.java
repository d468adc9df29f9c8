package dev.cairn.serving.rules;

import dev.cairn.data.drift.ColumnDrift;
import dev.cairn.data.drift.DriftMethod;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.serving.monitor.MonitorWindow.FeatureQuality;
import dev.cairn.serving.monitor.MonitorWindow.Operations;

/** The figures of one {@link MonitorWindow}, as conditions name them. */
public final class WindowFigures implements Figures {
  private final MonitorWindow window;

  private WindowFigures(MonitorWindow window) {
    this.window = window;
  }

  public static WindowFigures of(MonitorWindow window) {
    return new WindowFigures(window);
  }

  public MonitorWindow window() {
    return window;
  }

  @Override
  public Double value(Metric metric, String feature) {
    Operations ops = window.operations();
    return switch (metric) {
      case REQUESTS -> (double) ops.answered();
      case PREDICTIONS -> (double) ops.predictions();
      case ERRORS -> ops.errors() == null ? null : ops.errors().doubleValue();
      case ERROR_RATE -> ops.errorRate();
      case P50_MS -> ops.latencyP50Ms();
      case P95_MS -> ops.latencyP95Ms();
      case P99_MS -> ops.latencyP99Ms();
      case DRIFT_SHARE -> window.drift() == null ? null : window.driftShare();
      case PREDICTION_DRIFT -> window.predictionDrift() == null ? null : window.predictionDrift().statistic();
      case ACCURACY -> window.accuracy();
      case RMSE -> window.rmse();
      case FEEDBACK -> window.feedback() == null ? 0.0 : window.feedback().doubleValue();
      case PSI -> psi(feature);
      case DRIFT -> {
        ColumnDrift c = column(feature);
        yield c == null ? null : c.statistic();
      }
      case MISSING_SHARE -> window.quality().stream().filter(q -> q.feature().equals(feature)).findFirst()
          .map(FeatureQuality::missingShare).orElse(null);
    };
  }

  /** The window's PSI of {@code feature}; the drift test's statistic when that test was PSI (older stored windows). */
  private Double psi(String feature) {
    Double psi = window.psi().get(feature);
    if (psi != null) {
      return psi;
    }
    ColumnDrift c = column(feature);
    return c != null && c.method() == DriftMethod.PSI ? c.statistic() : null;
  }

  private ColumnDrift column(String feature) {
    if (window.drift() == null) {
      return null;
    }
    return window.drift().columns().stream().filter(c -> c.column().equals(feature)).findFirst().orElse(null);
  }
}
