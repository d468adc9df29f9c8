package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.core.Sizes;
import dev.cairn.data.drift.ColumnDrift;
import dev.cairn.data.drift.DriftReport;
import dev.cairn.data.expect.Expectation;
import dev.cairn.data.expect.ValidationReport;
import dev.cairn.data.schema.ColumnSchema;
import dev.cairn.data.schema.DataType;
import dev.cairn.data.schema.Schema;
import dev.cairn.data.schema.SchemaDiff;
import dev.cairn.data.stats.ColumnProfile;
import dev.cairn.data.stats.NumericDistribution;
import dev.cairn.data.stats.Profile;
import dev.cairn.data.stats.Sketches;
import dev.cairn.data.version.DatasetDiff;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetSummary;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.ManifestEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the dataset pages show, computed by {@link DatasetPages}. Histograms are laid out here as SVG bars (plain
 * numbers, formatted once), so the templates only place escaped values and the pages need no script.
 */
public final class DatasetViews {
  /** Quantiles a column's profile lists (the profile stores more; these are the ones people read). */
  static final Set<Double> SHOWN_QUANTILES = Set.of(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);
  /** Bins of a drift overlay: both versions counted over the same edges. */
  static final int OVERLAY_BINS = 20;
  /** Categories an overlay draws: the most frequent of both versions together. */
  static final int OVERLAY_CATEGORIES = 12;
  /** Top values a column panel lists (the profile keeps up to 20); fewer for numbers, drawn as a histogram. */
  static final int TOP_VALUES = 10;
  static final int TOP_VALUES_BESIDE_HISTOGRAM = 5;
  static final String RUN_INPUT_SOURCE = "cairn-dataset:";
  static final int CHART_WIDTH = 320;
  static final int CHART_HEIGHT = 120;

  private DatasetViews() {}

  public static String datasetUrl(String name) {
    return "/ui/datasets/" + UiViews.encode(name);
  }

  public static String versionUrl(String name, int version) {
    return datasetUrl(name) + "/" + version;
  }

  public static String diffUrl(String name, int from, int to) {
    return datasetUrl(name) + "/diff?from=" + from + "&to=" + to;
  }

  public static String driftUrl(String name, int reference, int current) {
    return "/ui/datasets/drift?reference=" + UiViews.encode(name + "@" + reference) + "&current="
        + UiViews.encode(name + "@" + current);
  }

  /**
   * The version page of a run's dataset input recorded from a Cairn dataset (source {@code cairn-dataset:NAME@N},
   * see DatasetVersion.toRunInput); null for inputs from elsewhere.
   */
  public static String inputUrl(String source) {
    if (source == null || !source.startsWith(RUN_INPUT_SOURCE)) {
      return null;
    }
    try {
      DatasetRef ref = DatasetRef.parse(source.substring(RUN_INPUT_SOURCE.length()));
      return datasetUrl(ref.name()) + "/" + (ref.isLatest() ? "latest" : ref.version().toString());
    } catch (CairnException e) {
      return null; // a source written by hand that names no valid version: shown without a link
    }
  }

  /** Bytes as people read them (as the CLI prints them). */
  public static String size(long bytes) {
    return Sizes.readable(bytes);
  }

  /** The first 12 hex characters of a hash, enough to tell versions apart on a page. */
  public static String shortHash(String sha256) {
    return sha256 == null ? "" : sha256.substring(0, Math.min(12, sha256.length()));
  }

  /** An enum constant as a CSS class or label: lower case in every locale ({@code DOMAIN_CHANGED -> domain_changed}). */
  public static String word(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  public static String number(Double v) {
    return v == null || v.isNaN() ? "" : UiViews.number(v);
  }

  /** A dataset in the list, with its newest version's row count (null when it has no tables). */
  public record DatasetRow(DatasetSummary summary, Long rows) {}

  public record DatasetsPage(List<DatasetRow> datasets) {}

  /** One page of a dataset's versions, newest first. */
  public record HistoryPage(String name, List<DatasetVersion> versions, String nextPageToken) {
    public String nextUrl() {
      return nextPageToken == null ? null : datasetUrl(name) + "?page_token=" + UiViews.encode(nextPageToken);
    }

    public int previous(DatasetVersion v) {
      return previousOf(v);
    }
  }

  /** One table file of a version: its schema and a profile per column. */
  public record TableView(String path, long rowCount, Schema schema, List<ColumnView> columns) {}

  /** One column's profile, with what the page prints already chosen. */
  public record ColumnView(ColumnProfile profile, String type, List<ColumnProfile.QuantileValue> quantiles,
      Chart histogram) {
    public String missingShare() {
      long all = profile.count() + profile.missing();
      return all == 0 ? "" : String.format(Locale.ROOT, "%.1f%%", 100.0 * profile.missing() / all);
    }

    public String min() {
      return profile.minTimestamp() != null ? profile.minTimestamp() : number(profile.min());
    }

    public String max() {
      return profile.maxTimestamp() != null ? profile.maxTimestamp() : number(profile.max());
    }

    /** The most frequent values worth a row: a few beside a numeric histogram, more for categories. */
    public List<ColumnProfile.ValueCount> topValues() {
      int limit = profile.histogram().isEmpty() ? TOP_VALUES : TOP_VALUES_BESIDE_HISTOGRAM;
      return profile.topValues().subList(0, Math.min(limit, profile.topValues().size()));
    }
  }

  /** A version: its files, and for each table file its schema and column profiles. */
  public record VersionPage(DatasetVersion version, List<ManifestEntry> files, List<TableView> tables) {
    public int previous() {
      return previousOf(version);
    }
  }

  /** The version a version was made from: its recorded parent, else the number before it; 0 for none. */
  static int previousOf(DatasetVersion v) {
    return v.parentVersion() != null ? v.parentVersion() : v.version() - 1;
  }

  /** One table's validation report. */
  public record TableValidation(String path, ValidationReport report) {
    public long failed() {
      return report.failures().size();
    }
  }

  /** A version's tables validated against expectations suggested from version {@code suiteVersion}'s profiles. */
  public record ValidationPage(DatasetVersion version, int suiteVersion, List<TableValidation> tables) {}

  /** An expectation as one line: its kind, column and bounds ({@code range x [0, 9]}). */
  public static String describe(Expectation e) {
    StringBuilder b = new StringBuilder(e.kind().id());
    if (e.column() != null) {
      b.append(' ').append(e.column());
    }
    if (e.type() != null) {
      b.append(' ').append(e.type().id());
    }
    if (e.quantile() != null) {
      b.append(" q").append(UiViews.number(e.quantile()));
    }
    if (e.min() != null || e.max() != null) {
      b.append(" [").append(e.min() == null ? "-inf" : UiViews.number(e.min())).append(", ")
          .append(e.max() == null ? "inf" : UiViews.number(e.max())).append(']');
    }
    if (e.values() != null) {
      b.append(' ').append(e.values());
    }
    if (e.pattern() != null) {
      b.append(" /").append(e.pattern()).append('/');
    }
    if (e.mostly() != null) {
      b.append(" mostly ").append(UiViews.number(e.mostly()));
    }
    return b.toString();
  }

  /** A schema diff of one table present in both versions. */
  public record TableDiff(String path, SchemaDiff diff) {}

  /** Two versions compared: files, schemas table by table, tables only on one side, changed statistics. */
  public record DiffPage(DatasetDiff diff, List<TableDiff> schemas, List<String> tablesAdded,
      List<String> tablesRemoved) {
    public String name() {
      return diff.to().name();
    }
  }

  /** One column's drift verdict with both versions' distributions drawn over each other. */
  public record ColumnDriftView(ColumnDrift drift, Chart overlay) {
    public String verdictClass() {
      return drift.drifted() ? "drifted" : "stable";
    }
  }

  /** The drift of one table shared by both versions. */
  public record TableDrift(String path, DriftReport report, List<ColumnDriftView> columns) {}

  public record DriftPage(DatasetVersion reference, DatasetVersion current, List<TableDrift> tables) {
    public boolean anyDrift() {
      return tables.stream().anyMatch(t -> t.report().datasetDrift());
    }
  }

  /**
   * A bar chart as SVG: one or two series over the same bins. Numbers are labelled by the range's ends
   * ({@code lowLabel}, {@code highLabel}), categories each under its bar ({@code categories}, else empty).
   */
  public record Chart(int width, int height, int bins, List<Series> series, String lowLabel, String highLabel,
      List<String> categories) {
    public boolean isEmpty() {
      return bins == 0;
    }

    /** The width of one category's label: its bar's slot. */
    public String slotWidth() {
      return svg((double) width / Math.max(1, bins));
    }
  }

  /** One series of bars, drawn with its CSS class (reference, current or a single histogram). */
  public record Series(String cssClass, String label, List<Bar> bars) {}

  /** One bar: its box in SVG units and a title the browser shows on hover. */
  public record Bar(String x, String y, String width, String height, String title) {}

  private static String svg(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A column's stored histogram (numbers), else its top values (categories) as bars. */
  static Chart histogram(ColumnProfile c) {
    if (!c.histogram().isEmpty()) {
      List<String> titles = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (ColumnProfile.HistogramBin b : c.histogram()) {
        titles.add("[" + UiViews.number(b.lower()) + ", " + UiViews.number(b.upper()) + "): " + b.count());
        values.add((double) b.count());
      }
      ColumnProfile.HistogramBin first = c.histogram().get(0);
      ColumnProfile.HistogramBin last = c.histogram().get(c.histogram().size() - 1);
      return chart(List.of(new Series("hist", "count", List.of())), List.of(values), titles,
          UiViews.number(first.lower()), UiViews.number(last.upper()), List.of());
    }
    if (!c.topValues().isEmpty()) {
      List<String> titles = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (ColumnProfile.ValueCount v : c.topValues()) {
        titles.add(v.value() + ": " + v.count());
        values.add((double) v.count());
      }
      return chart(List.of(new Series("hist", "count", List.of())), List.of(values), titles, "", "",
          c.topValues().stream().map(ColumnProfile.ValueCount::value).toList());
    }
    return new Chart(CHART_WIDTH, CHART_HEIGHT, 0, List.of(), "", "", List.of());
  }

  /**
   * Both versions' distributions of a compared column over shared bins, as shares of each side's values (the
   * versions may differ in size): numbers over equal-width bins spanning both ranges, categories over the most
   * frequent of both.
   */
  static Chart overlay(ColumnDrift d, ColumnProfile reference, ColumnProfile current) {
    List<Series> series = List.of(new Series("reference", "reference", List.of()),
        new Series("current", "current", List.of()));
    if (d.kind().equals("numeric") && reference.min() != null && current.min() != null) {
      double lo = Math.min(reference.min(), current.min());
      double hi = Math.max(reference.max(), current.max());
      int bins = hi > lo ? OVERLAY_BINS : 1;
      double[] edges = new double[bins - 1];
      for (int i = 0; i < edges.length; i++) {
        edges[i] = lo + (hi - lo) * (i + 1) / bins;
      }
      NumericDistribution a = Sketches.quantiles(reference);
      NumericDistribution b = Sketches.quantiles(current);
      double[] pa = a.isEmpty() ? new double[bins] : a.binProportions(edges);
      double[] pb = b.isEmpty() ? new double[bins] : b.binProportions(edges);
      List<String> titles = new ArrayList<>();
      for (int i = 0; i < bins; i++) {
        double from = lo + (hi - lo) * i / bins;
        double to = lo + (hi - lo) * (i + 1) / bins;
        titles.add("[" + UiViews.number(from) + ", " + UiViews.number(to) + "]");
      }
      return chart(series, List.of(boxed(pa), boxed(pb)), titles, UiViews.number(lo), UiViews.number(hi), List.of());
    }
    Map<String, Long> ra = Sketches.frequencies(reference);
    Map<String, Long> cb = Sketches.frequencies(current);
    Map<String, Long> together = new LinkedHashMap<>();
    ra.forEach((k, v) -> together.merge(k, v, Long::sum));
    cb.forEach((k, v) -> together.merge(k, v, Long::sum));
    List<String> keys = together.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(OVERLAY_CATEGORIES).map(Map.Entry::getKey).toList();
    double na = Math.max(1, ra.values().stream().mapToLong(Long::longValue).sum());
    double nb = Math.max(1, cb.values().stream().mapToLong(Long::longValue).sum());
    List<Double> sa = keys.stream().map(k -> ra.getOrDefault(k, 0L) / na).toList();
    List<Double> sb = keys.stream().map(k -> cb.getOrDefault(k, 0L) / nb).toList();
    return chart(series, List.of(sa, sb), keys, "", "", keys);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  /**
   * Lays out bars: every series has one value per bin (titles name the bins), heights scaled to the largest value of
   * all series so overlaid series compare; two series are drawn over each other, half transparent (see cairn.css).
   */
  private static Chart chart(List<Series> named, List<List<Double>> values, List<String> titles, String low,
      String high, List<String> categories) {
    int bins = titles.size();
    double top = 0;
    for (List<Double> s : values) {
      for (double v : s) {
        top = Math.max(top, v);
      }
    }
    double slot = (double) CHART_WIDTH / Math.max(1, bins);
    double gap = slot > 4 ? 1 : 0;
    List<Series> out = new ArrayList<>();
    for (int s = 0; s < named.size(); s++) {
      List<Bar> bars = new ArrayList<>(bins);
      for (int i = 0; i < bins; i++) {
        double v = values.get(s).get(i);
        double h = top > 0 ? (CHART_HEIGHT - 2) * v / top : 0;
        String shown = named.size() > 1 ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : UiViews.number(v);
        bars.add(new Bar(svg(i * slot + gap / 2), svg(CHART_HEIGHT - h), svg(slot - gap), svg(h),
            (named.size() > 1 ? named.get(s).label() + " " : "") + titles.get(i) + (named.size() > 1 ? ": " + shown : "")));
      }
      out.add(new Series(named.get(s).cssClass(), named.get(s).label(), bars));
    }
    return new Chart(CHART_WIDTH, CHART_HEIGHT, bins, out, low, high, categories);
  }

  /** The type a page prints for a column: the schema's (inferred or declared), "unknown" for a column it lacks. */
  static String type(Schema schema, ColumnProfile c) {
    return schema.column(c.name()).map(ColumnSchema::type).map(DataType::id).orElse("unknown");
  }

  static TableView table(String path, Profile p) {
    List<ColumnView> columns = new ArrayList<>();
    for (ColumnProfile c : p.columns()) {
      List<ColumnProfile.QuantileValue> qs = c.quantiles().stream()
          .filter(q -> SHOWN_QUANTILES.contains(Math.round(q.q() * 100) / 100.0)).toList();
      columns.add(new ColumnView(c, type(p.schema(), c), qs, histogram(c)));
    }
    return new TableView(path, p.rowCount(), p.schema(), columns);
  }

  /** Tables of {@code after} missing from {@code before}. */
  static List<String> onlyIn(Map<String, Profile> after, Map<String, Profile> before) {
    TreeSet<String> out = new TreeSet<>(after.keySet());
    out.removeAll(before.keySet());
    return List.copyOf(out);
  }
}
