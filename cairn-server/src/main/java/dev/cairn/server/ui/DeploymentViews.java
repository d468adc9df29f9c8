package dev.cairn.server.ui;

import dev.cairn.data.drift.ColumnDrift;
import dev.cairn.serving.deploy.Canary;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentChange;
import dev.cairn.serving.deploy.DeploymentJson;
import dev.cairn.serving.deploy.DeploymentSpec;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.serving.monitor.MonitorWindow.FeatureQuality;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * What the deployment pages show: routes as the registry resolves them now, the change history, and the monitor
 * windows as tables and as chart series (one per figure and model version, drawn by cairn-monitor.js with uPlot).
 */
public final class DeploymentViews {
  private DeploymentViews() {}

  /** The alert history of the deployment named {@code name}. */
  public static String alertsUrl(String name) {
    return "/ui/alerts?deployment=" + UiViews.encode(name);
  }

  public static String deploymentUrl(String name) {
    return DeploymentPages.DEPLOYMENT + "?name=" + UiViews.encode(name);
  }

  /** The deployments serving one model version (its routes, shadows or canary resolve to it now). */
  public static String servingUrl(String model, int version) {
    return DeploymentPages.DEPLOYMENTS + "?model=" + UiViews.encode(model) + "&version=" + version;
  }

  /**
   * A route, shadow or canary target with the version it resolves to now.
   *
   * @param weight the route's weight; null for a shadow or a canary
   * @param version the resolved version, or null with {@code problem} saying why (an alias that was deleted)
   */
  public record TargetView(String target, Integer weight, String model, Integer version, String problem) {
    public String resolved() {
      return version == null ? "" : model + "/" + version;
    }

    public String versionUrl() {
      return version == null ? null : EvaluationPage.url(model, version);
    }

    boolean serves(String m, int v) {
      return version != null && version == v && model.equals(m);
    }
  }

  /** One deployment with its targets resolved. */
  public record DeploymentRow(Deployment deployment, List<TargetView> routes, List<TargetView> shadows,
      TargetView canaryTarget) {
    public String url() {
      return deploymentUrl(deployment.name());
    }

    public Canary canary() {
      return deployment.spec().canary();
    }

    public String canaryState() {
      return canary() == null ? "" : canary().state().wire().replace('_', ' ');
    }

    boolean serves(String model, int version) {
      return routes.stream().anyMatch(t -> t.serves(model, version))
          || shadows.stream().anyMatch(t -> t.serves(model, version))
          || canaryTarget != null && canaryTarget.serves(model, version);
    }
  }

  /**
   * The deployments list; {@code model} and {@code version} (both or neither) keep those serving that version.
   */
  public record ListPage(List<DeploymentRow> rows, String model, Integer version, String pageToken, String next) {
    public boolean filtered() {
      return model != null;
    }

    public String nextUrl() {
      return next == null ? null : DeploymentPages.DEPLOYMENTS + "?page_token=" + UiViews.encode(next);
    }

    public String versionUrl() {
      return model == null ? null : EvaluationPage.url(model, version);
    }
  }

  /** One history entry with the routing it left (empty after a delete). */
  public record ChangeView(DeploymentChange change, String routing) {}

  /** The routing a history entry's JSON holds, as one line: routes, shadows, sticky key, canary. */
  static String routing(String json) {
    if (json == null) {
      return "";
    }
    DeploymentSpec spec;
    try {
      spec = DeploymentJson.spec(DeploymentJson.parse(json));
    } catch (RuntimeException e) {
      return json; // written by another build: shown as stored (escaped like all text)
    }
    StringBuilder b = new StringBuilder(String.join(", ", spec.routes().stream().map(Object::toString).toList()));
    if (!spec.shadows().isEmpty()) {
      b.append("; shadows ").append(String.join(", ", spec.shadows().stream().map(Object::toString).toList()));
    }
    if (spec.sticky() != null) {
      b.append("; sticky ").append(spec.sticky());
    }
    if (spec.canary() != null) {
      b.append("; canary ").append(spec.canary().target()).append(' ').append(spec.canary().percent()).append("% ")
          .append(spec.canary().state().wire());
    }
    return b.toString();
  }

  /**
   * The time range the monitor sections show: the {@code span} ending at {@code toMs}, in windows of
   * {@code windowMinutes}; {@code refreshSeconds} above 0 has the browser reload the page that often (the open
   * window is computed again at each view, so the charts follow the traffic).
   */
  public record Range(String span, int windowMinutes, long fromMs, long toMs, int refreshSeconds) {
    /** The spans offered, as minutes, with the window width each defaults to. */
    public static final Map<String, int[]> SPANS = offered();

    private static Map<String, int[]> offered() {
      Map<String, int[]> m = new LinkedHashMap<>();
      m.put("1h", new int[] {60, 5});
      m.put("6h", new int[] {360, 15});
      m.put("24h", new int[] {1440, 60});
      m.put("7d", new int[] {10_080, 360});
      m.put("30d", new int[] {43_200, 1440});
      return m;
    }

    public List<String> spans() {
      return List.copyOf(SPANS.keySet());
    }
  }

  /**
   * One chart: x is each window's start in epoch seconds, drawn over the whole range ({@code fromS} to {@code toS},
   * so a range with one busy window still shows where it lies); each series has a value (or none) per x.
   */
  public record Chart(String id, String title, String unit, long fromS, long toS, List<Long> xs, List<Series> series) {
    /** The x values as the data-x attribute carries them. */
    public String x() {
      return String.join(",", xs.stream().map(String::valueOf).toList());
    }
  }

  /** One line of a chart: its label and its values, comma separated, empty where the window has none. */
  public record Series(String label, String values) {}

  /** A monitor figure of a window: null where the window does not have it. */
  record Figure(String label, Function<MonitorWindow, Double> value) {}

  /** A chart of some figures, one series per figure and model version. */
  record ChartSpec(String id, String title, String unit, List<Figure> figures) {}

  /**
   * The monitor charts, in page order. A chart none of whose figures the range has is left out and named under
   * "not recorded". Figures MonitorWindow gains join here: process CPU, heap and RSS as one more ChartSpec, the
   * errors once the log records failed requests (Operations.errors is null until then).
   */
  static final List<ChartSpec> CHARTS = List.of(
      new ChartSpec("traffic", "Traffic", "per window", List.of(
          new Figure("requests", w -> (double) w.operations().requests()),
          new Figure("predictions", w -> (double) w.operations().predictions()))),
      new ChartSpec("latency", "Latency", "ms", List.of(
          new Figure("p50", w -> w.operations().latencyP50Ms()),
          new Figure("p95", w -> w.operations().latencyP95Ms()),
          new Figure("p99", w -> w.operations().latencyP99Ms()))),
      new ChartSpec("errors", "Errors", "requests", List.of(
          new Figure("errors", w -> w.operations().errors() == null ? null : (double) w.operations().errors()))),
      new ChartSpec("drift", "Drift", "share", List.of(
          new Figure("drift share", w -> w.drift() == null ? null : w.driftShare()))),
      new ChartSpec("quality", "Data quality", "values", List.of(
          new Figure("missing", w -> sum(w, FeatureQuality::missing)),
          new Figure("unknown categories", w -> sum(w, FeatureQuality::unknownCategories)),
          new Figure("out of range", w -> sum(w, FeatureQuality::outOfRange)))),
      new ChartSpec("accuracy", "Accuracy from feedback", "share", List.of(new Figure("accuracy", MonitorWindow::accuracy))),
      new ChartSpec("rmse", "RMSE from feedback", "", List.of(new Figure("rmse", MonitorWindow::rmse))));

  private static Double sum(MonitorWindow w, ToDoubleFunction<FeatureQuality> f) {
    return w.quality().isEmpty() ? null : w.quality().stream().mapToDouble(f).sum();
  }

  /** A model version as the pages name it ({@code churn/3}). */
  static String versionOf(MonitorWindow w) {
    return w.modelName() + "/" + w.modelVersion();
  }

  /** The monitor section of one deployment over one range; {@code error} says why it could not be computed. */
  public record Monitor(Range range, List<MonitorWindow> windows, List<Chart> charts, List<String> notRecorded,
      List<VersionDrift> drift, List<VersionQuality> quality, String error) {
    static Monitor failed(Range range, String error) {
      return new Monitor(range, List.of(), List.of(), List.of(), List.of(), List.of(), error);
    }

    /** The windows newest first, as the table lists them. */
    public List<MonitorWindow> newestFirst() {
      List<MonitorWindow> out = new ArrayList<>(windows);
      java.util.Collections.reverse(out);
      return out;
    }

    public String version(MonitorWindow w) {
      return versionOf(w);
    }
  }

  /**
   * Per-feature drift of one model version: each feature's statistic and verdict in the most recent windows
   * (oldest first, at most {@link #DRIFT_COLUMNS}), and a chart of every feature's statistic over the whole range.
   */
  public record VersionDrift(String version, List<Long> windowStarts, List<FeatureDrift> features, Chart chart) {}

  /**
   * One feature's drift in each of the table's windows; a cell is null where the window did not compare it. A
   * per-feature figure MonitorWindow gains (a PSI per feature) becomes one more column beside the test's statistic.
   */
  public record FeatureDrift(String feature, List<ColumnDrift> cells) {}

  /** Data quality of one model version's newest window, per feature. */
  public record VersionQuality(String version, long fromMs, List<FeatureQuality> features) {}

  /** Windows in the per-feature drift table: the newest ones. */
  static final int DRIFT_COLUMNS = 6;

  /** The charts and tables of {@code windows} (ordered by start, then model and version, as MonitorService gives). */
  static Monitor monitor(Range range, List<MonitorWindow> windows) {
    TreeSet<Long> starts = new TreeSet<>();
    Map<String, List<MonitorWindow>> byVersion = new LinkedHashMap<>();
    for (MonitorWindow w : windows) {
      starts.add(w.fromMs());
      byVersion.computeIfAbsent(versionOf(w), k -> new ArrayList<>()).add(w);
    }
    List<Long> xs = starts.stream().map(s -> s / 1000).toList();
    List<Chart> charts = new ArrayList<>();
    List<String> notRecorded = new ArrayList<>();
    for (ChartSpec spec : CHARTS) {
      List<Series> series = new ArrayList<>();
      boolean any = false;
      for (Map.Entry<String, List<MonitorWindow>> v : byVersion.entrySet()) {
        for (Figure f : spec.figures()) {
          Map<Long, Double> at = new LinkedHashMap<>();
          for (MonitorWindow w : v.getValue()) {
            Double d = f.value().apply(w);
            if (d != null && Double.isFinite(d)) {
              at.put(w.fromMs(), d);
            }
          }
          any |= !at.isEmpty();
          series.add(new Series(byVersion.size() > 1 ? f.label() + " · " + v.getKey() : f.label(), values(starts, at)));
        }
      }
      if (any) {
        charts.add(new Chart(spec.id(), spec.title(), spec.unit(), range.fromMs() / 1000, range.toMs() / 1000, xs,
            series));
      } else if (!windows.isEmpty()) {
        notRecorded.add(spec.title().toLowerCase(Locale.ROOT));
      }
    }
    List<VersionDrift> drift = new ArrayList<>();
    List<VersionQuality> quality = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, List<MonitorWindow>> v : byVersion.entrySet()) {
      List<MonitorWindow> ws = v.getValue();
      drift.add(featureDrift(v.getKey(), ws, starts, new Chart("feature-drift-" + i++, "Drift statistic per feature · "
          + v.getKey(), "statistic", range.fromMs() / 1000, range.toMs() / 1000, xs, List.of())));
      MonitorWindow newest = ws.get(ws.size() - 1);
      quality.add(new VersionQuality(v.getKey(), newest.fromMs(), newest.quality()));
    }
    drift.removeIf(d -> d.features().isEmpty());
    return new Monitor(range, windows, charts, notRecorded, drift, quality, null);
  }

  /** The drift table and chart of one version; {@code frame} is the chart without its series. */
  private static VersionDrift featureDrift(String version, List<MonitorWindow> ws, TreeSet<Long> starts, Chart frame) {
    List<MonitorWindow> compared = ws.stream().filter(w -> w.drift() != null).toList();
    List<MonitorWindow> recent = compared.subList(Math.max(0, compared.size() - DRIFT_COLUMNS), compared.size());
    TreeSet<String> names = new TreeSet<>();
    compared.forEach(w -> w.drift().columns().forEach(c -> names.add(c.column())));
    List<FeatureDrift> features = new ArrayList<>();
    List<Series> series = new ArrayList<>();
    for (String feature : names) {
      List<ColumnDrift> cells = new ArrayList<>();
      recent.forEach(w -> cells.add(w.drift().columns().stream().filter(c -> c.column().equals(feature)).findFirst()
          .orElse(null)));
      features.add(new FeatureDrift(feature, cells));
      Map<Long, Double> at = new LinkedHashMap<>();
      for (MonitorWindow w : compared) {
        ColumnDrift c = w.drift().column(feature);
        if (c != null && Double.isFinite(c.statistic())) {
          at.put(w.fromMs(), c.statistic());
        }
      }
      series.add(new Series(feature, values(starts, at)));
    }
    return new VersionDrift(version, recent.stream().map(MonitorWindow::fromMs).toList(), features,
        new Chart(frame.id(), frame.title(), frame.unit(), frame.fromS(), frame.toS(), frame.xs(), series));
  }

  private static String values(TreeSet<Long> starts, Map<Long, Double> at) {
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (Long s : starts) {
      b.append(first ? "" : ",");
      first = false;
      Double d = at.get(s);
      if (d != null) {
        b.append(d);
      }
    }
    return b.toString();
  }

  /** A figure for a table cell: blank where the window has none. */
  public static String cell(Number v) {
    return v == null ? "" : UiViews.number(v.doubleValue());
  }

  /** A share as a percentage with one decimal. */
  public static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** A drift cell's hover text: the test, its p-value or threshold, and the rows compared. */
  public static String driftDetail(ColumnDrift c) {
    return c.method().name().toLowerCase(Locale.ROOT) + (c.pValue() == null ? "" : ", p = " + UiViews.number(c.pValue()))
        + ", threshold " + UiViews.number(c.threshold()) + ", " + c.currentCount() + " values against "
        + c.referenceCount();
  }

  /** The deployment page: the deployment, its history and its monitor section. */
  public record DeploymentPage(DeploymentRow row, List<ChangeView> history, String historyNext, Monitor monitor) {
    public Deployment deployment() {
      return row.deployment();
    }

    public String historyNextUrl() {
      Range r = monitor.range();
      return historyNext == null ? null : deploymentUrl(deployment().name()) + "&range=" + r.span() + "&window_minutes="
          + r.windowMinutes() + (r.refreshSeconds() > 0 ? "&refresh=" + r.refreshSeconds() : "") + "&history_token="
          + UiViews.encode(historyNext);
    }
  }
}
