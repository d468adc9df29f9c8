package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The charts' view state (axis, log scale, smoothing: query parameters, so a chart view is a URL) and the compare
 * page's server-drawn charts: a scatter of a metric against a param and parallel coordinates of the params to a
 * metric. Positions are computed here as plain numbers; the templates place them and escape every label.
 */
public final class ChartViews {
  /** Metrics whose key starts with this are system metrics (MLflow's monitor and cairn-client write them). */
  public static final String SYSTEM_PREFIX = "system/";
  static final double MAX_SMOOTHING = 0.99;
  static final int SCATTER_WIDTH = 560;
  static final int SCATTER_HEIGHT = 340;
  static final int AXIS_SPACING = 130;
  static final int PARALLEL_HEIGHT = 340;
  /** A param value is a number when it reads as a plain decimal (no NaN, hex or type suffix). */
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  private static final int LEFT = 70;
  private static final int RIGHT = 30;
  private static final int TOP = 24;
  private static final int BOTTOM = 56;
  /** How far below an axis a missing value is drawn. */
  private static final int MISSING_GAP = 22;

  private ChartViews() {}

  public static boolean isSystem(String metricKey) {
    return metricKey.startsWith(SYSTEM_PREFIX);
  }

  /**
   * What the metric charts plot: {@code x} is {@code step}, {@code relative} (seconds since the run's first point)
   * or {@code wall} (dates); {@code log} puts y on a log scale; {@code smooth} is the weight of an exponential
   * moving average, 0 (none) to 0.99.
   */
  public record ChartControls(String x, boolean log, double smooth) {
    public static final List<String> AXES = List.of("step", "relative", "wall");

    public ChartControls {
      if (!AXES.contains(x)) {
        throw CairnException.invalid("x '" + x + "' is not a chart axis; use step, relative or wall");
      }
      if (!(smooth >= 0 && smooth <= MAX_SMOOTHING)) {
        throw CairnException.invalid("smooth " + smooth + " is outside 0 to " + MAX_SMOOTHING);
      }
    }

    /** The controls of a query: absent parameters take the defaults (step, linear, no smoothing). */
    static ChartControls of(String x, String log, String smooth) {
      double weight = 0;
      if (smooth != null && !smooth.isBlank()) {
        try {
          weight = Double.parseDouble(smooth.strip());
        } catch (NumberFormatException e) {
          throw CairnException.invalid("smooth '" + smooth + "' is not a number; use 0 to " + MAX_SMOOTHING);
        }
      }
      boolean isLog = log != null && (log.equals("1") || log.equalsIgnoreCase("true") || log.equals("on"));
      return new ChartControls(x == null || x.isBlank() ? "step" : x.strip(), isLog, weight);
    }

    public String axisLabel(String axis) {
      return switch (axis) {
        case "relative" -> "Relative time (s)";
        case "wall" -> "Wall-clock time";
        default -> "Step";
      };
    }

    public String smoothText() {
      return String.format(Locale.ROOT, "%.2f", smooth);
    }
  }

  /** A label at a position along an axis (SVG units, formatted); long labels are cut, {@code full} is the hover. */
  public record Tick(String at, String label, String full) {
    static final int MAX_LABEL = 16;

    Tick(String at, String full) {
      this(at, full.length() <= MAX_LABEL ? full : full.substring(0, MAX_LABEL - 1) + "…", full);
    }
  }

  /** One run's point on the scatter: its position, its run's name and page, and a hover title. */
  public record ScatterPoint(String runId, String name, String href, String cx, String cy, String title) {}

  /**
   * A metric's latest value against a param across runs. {@code categorical} when some value of the param is not
   * a number: then the x ticks are the categories, evenly spaced. Runs without the metric or the param are listed
   * in {@code unplotted}.
   */
  public record ScatterPlot(String metric, String param, int width, int height, boolean categorical,
      List<Tick> xTicks, List<Tick> yTicks, List<ScatterPoint> points, List<String> unplotted) {
    public int left() {
      return LEFT;
    }

    public int top() {
      return TOP;
    }

    public int right() {
      return width - RIGHT;
    }

    public int bottom() {
      return height - BOTTOM;
    }

    public String xLabelY() {
      return Integer.toString(height - 8);
    }
  }

  /** One vertical axis of the parallel coordinates. */
  public record ParallelAxis(String key, boolean isMetric, boolean categorical, String x, List<Tick> ticks,
      boolean hasMissing) {}

  /** One run's line through the axes, coloured by its metric value (grey without one). */
  public record ParallelLine(String runId, String name, String href, String d, String colour, String title) {}

  /** Params (one axis each) to a metric (the last axis), one line per run. */
  public record ParallelPlot(String metric, int width, int height, List<ParallelAxis> axes, List<ParallelLine> lines,
      String low, String high) {
    public int top() {
      return TOP;
    }

    public int bottom() {
      return height - BOTTOM;
    }

    public String missingY() {
      return fmt(height - BOTTOM + MISSING_GAP);
    }

    public String titleY() {
      return fmt(TOP - 10);
    }
  }

  static Optional<Double> metric(Run run, String key) {
    return run.metrics().stream().filter(m -> m.key().equals(key)).map(Metric::value)
        .filter(v -> !v.isNaN() && !v.isInfinite()).findFirst();
  }

  static Optional<String> param(Run run, String key) {
    return run.params().stream().filter(p -> p.key().equals(key)).map(Param::value).findFirst();
  }

  static String name(Run run) {
    return run.info().runName() == null ? run.info().runId() : run.info().runName();
  }

  /** Positions on one axis: numbers scaled from their range, or categories evenly spaced in sorted order. */
  private static final class Scale {
    final boolean categorical;
    final double min;
    final double max;
    final List<String> categories;

    Scale(List<String> values) {
      categorical = values.stream().anyMatch(v -> !NUMBER.matcher(v.strip()).matches());
      categories = categorical ? List.copyOf(new TreeSet<>(values)) : List.of();
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      if (!categorical) {
        for (String v : values) {
          double d = Double.parseDouble(v.strip());
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
      // one value (or none): a range around it, so the point sits in the middle
      if (lo == hi) {
        double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
      } else if (lo > hi) {
        lo = 0;
        hi = 1;
      }
      min = lo;
      max = hi;
    }

    static Scale ofNumbers(List<Double> values) {
      return new Scale(values.stream().map(d -> Double.toString(d)).toList());
    }

    /** Where {@code value} falls, 0 (low end) to 1 (high end). */
    double fraction(String value) {
      if (categorical) {
        return categories.size() == 1 ? 0.5 : (double) categories.indexOf(value) / (categories.size() - 1);
      }
      return (Double.parseDouble(value.strip()) - min) / (max - min);
    }

    /** Ticks from {@code from} (the low end, in SVG units) to {@code to}: categories, or five numbers. */
    List<Tick> ticks(double from, double to) {
      List<Tick> out = new ArrayList<>();
      if (categorical) {
        for (String c : categories) {
          out.add(new Tick(fmt(from + fraction(c) * (to - from)), c));
        }
      } else {
        for (int i = 0; i <= 4; i++) {
          out.add(new Tick(fmt(from + i / 4.0 * (to - from)), UiViews.number(min + i / 4.0 * (max - min))));
        }
      }
      return out;
    }
  }

  static ScatterPlot scatter(List<Run> runs, String metric, String param) {
    List<Run> plotted = new ArrayList<>();
    List<String> unplotted = new ArrayList<>();
    for (Run r : runs) {
      if (metric(r, metric).isPresent() && param(r, param).isPresent()) {
        plotted.add(r);
      } else {
        unplotted.add(name(r));
      }
    }
    Scale xs = new Scale(plotted.stream().map(r -> param(r, param).orElseThrow()).toList());
    Scale ys = Scale.ofNumbers(plotted.stream().map(r -> metric(r, metric).orElseThrow()).toList());
    int width = SCATTER_WIDTH;
    int height = SCATTER_HEIGHT;
    // a categorical axis keeps half a slot free at either end, so the outer categories are not on the frame
    double inset = xs.categorical ? (width - LEFT - RIGHT) / (2.0 * Math.max(1, xs.categories.size())) : 0;
    double x0 = LEFT + inset;
    double x1 = width - RIGHT - inset;
    double y0 = height - BOTTOM;
    double y1 = TOP;
    List<ScatterPoint> points = new ArrayList<>();
    for (Run r : plotted) {
      String p = param(r, param).orElseThrow();
      double m = metric(r, metric).orElseThrow();
      double cx = x0 + xs.fraction(p) * (x1 - x0);
      double cy = y0 + ys.fraction(Double.toString(m)) * (y1 - y0);
      points.add(new ScatterPoint(r.info().runId(), name(r), UiViews.runUrl(r.info().runId()), fmt(cx), fmt(cy),
          name(r) + ": " + param + " = " + p + ", " + metric + " = " + UiViews.number(m)));
    }
    return new ScatterPlot(metric, param, width, height, xs.categorical, xs.ticks(x0, x1), ys.ticks(y0, y1),
        points, unplotted);
  }

  static ParallelPlot parallel(List<Run> runs, List<String> params, String metric) {
    int axes = params.size() + 1;
    // the last axis's title is centred on it: room for about 20 characters beyond it
    int width = LEFT + 80 + AXIS_SPACING * Math.max(1, axes - 1);
    int height = PARALLEL_HEIGHT;
    double y0 = height - BOTTOM;
    double y1 = TOP;
    double missing = y0 + MISSING_GAP;
    Map<String, Scale> scales = new LinkedHashMap<>();
    for (String p : params) {
      scales.put(p, new Scale(runs.stream().map(r -> param(r, p)).flatMap(Optional::stream).toList()));
    }
    List<Double> values = runs.stream().map(r -> metric(r, metric)).flatMap(Optional::stream).toList();
    Scale metricScale = Scale.ofNumbers(values);
    List<ParallelAxis> axisList = new ArrayList<>();
    int i = 0;
    for (String p : params) {
      Scale s = scales.get(p);
      boolean missingOne = runs.stream().anyMatch(r -> param(r, p).isEmpty());
      axisList.add(new ParallelAxis(p, false, s.categorical, fmt(axisX(i++, axes)), s.ticks(y0, y1), missingOne));
    }
    axisList.add(new ParallelAxis(metric, true, false, fmt(axisX(i, axes)), metricScale.ticks(y0, y1),
        values.size() < runs.size()));
    double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    List<ParallelLine> lines = new ArrayList<>();
    for (Run r : runs) {
      StringBuilder d = new StringBuilder();
      StringBuilder title = new StringBuilder(name(r)).append(':');
      int a = 0;
      for (String p : params) {
        Optional<String> v = param(r, p);
        double y = v.map(value -> y0 + scales.get(p).fraction(value) * (y1 - y0)).orElse(missing);
        d.append(a == 0 ? "M" : " L").append(fmt(axisX(a++, axes))).append(',').append(fmt(y));
        title.append(' ').append(p).append(" = ").append(v.orElse("(missing)")).append(',');
      }
      Optional<Double> m = metric(r, metric);
      double y = m.map(v -> y0 + metricScale.fraction(Double.toString(v)) * (y1 - y0)).orElse(missing);
      d.append(a == 0 ? "M" : " L").append(fmt(axisX(a, axes))).append(',').append(fmt(y));
      title.append(' ').append(metric).append(" = ").append(m.map(UiViews::number).orElse("(missing)"));
      String colour = m.map(v -> colour(hi == lo ? 0.5 : (v - lo) / (hi - lo))).orElse("#9aa3ad");
      lines.add(new ParallelLine(r.info().runId(), name(r), UiViews.runUrl(r.info().runId()), d.toString(), colour,
          title.toString()));
    }
    return new ParallelPlot(metric, width, height, axisList, lines, values.isEmpty() ? "" : UiViews.number(lo),
        values.isEmpty() ? "" : UiViews.number(hi));
  }

  private static double axisX(int index, int axes) {
    return axes == 1 ? LEFT : LEFT + index * (double) AXIS_SPACING;
  }

  /** A colour from blue (0, the lowest value) through to orange-red (1, the highest). */
  static String colour(double t) {
    int[] low = {0x24, 0x57, 0xa6};
    int[] high = {0xd3, 0x54, 0x00};
    StringBuilder b = new StringBuilder("#");
    for (int c = 0; c < 3; c++) {
      b.append(String.format(Locale.ROOT, "%02x", (int) Math.round(low[c] + t * (high[c] - low[c]))));
    }
    return b.toString();
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
