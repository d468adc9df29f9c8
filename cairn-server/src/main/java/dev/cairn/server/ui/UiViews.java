package dev.cairn.server.ui;

import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.core.CairnException;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.Tag;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What each UI page shows, computed by {@link UiRoutes} and rendered by a template of the same name. Links are
 * built here, so every template gets its URLs already encoded and the view state stays in the query string.
 */
public final class UiViews {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private UiViews() {}

  /** A UTC time of milliseconds since the epoch, as the pages print it; blank for none. */
  public static String time(Long millis) {
    return millis == null || millis <= 0 ? "" : TIME.format(Instant.ofEpochMilli(millis)) + " UTC";
  }

  /** A metric value, short: integers without a fraction, others with up to 6 significant digits. */
  public static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceFirst("\\.?0+(e|$)", "$1");
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public static String runUrl(String runId) {
    return "/ui/run?run_id=" + encode(runId);
  }

  public static String runsUrl(String experimentId) {
    return "/ui/runs?experiment_id=" + encode(experimentId);
  }

  /**
   * The token of the page before the one {@code token} starts, for a Previous link: the store's page tokens are
   * offsets ({@link PageTokens}), so the page before starts {@code pageSize} earlier. Null when {@code token} is the
   * first page (or not a token: the page shows that error), {@link #FIRST_PAGE} when the previous page is the first.
   */
  public static String previousToken(String token, int pageSize) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    long offset;
    try {
      offset = PageTokens.decode(token);
    } catch (CairnException e) {
      return null;
    }
    return offset <= 0 ? null : offset <= pageSize ? FIRST_PAGE : PageTokens.encode(offset - pageSize);
  }

  /** What {@link #previousToken} answers when the previous page is the first: links to it carry no token. */
  public static final String FIRST_PAGE = "";

  /**
   * The experiments list: {@code q} filters names (ILIKE, so % and _ are wildcards); {@code runCounts} holds each
   * listed experiment's active runs.
   */
  public record ExperimentsPage(String q, List<Experiment> experiments, Map<String, Long> lastRunStart,
      Map<String, Long> runCounts, String pageToken, String nextPageToken) {
    /** When the experiment's newest run started; blank for an experiment without runs. */
    public String lastRun(Experiment e) {
      return time(lastRunStart.get(e.experimentId()));
    }

    public long runs(Experiment e) {
      return runCounts.getOrDefault(e.experimentId(), 0L);
    }

    public String nextUrl() {
      return nextPageToken == null ? null : url(nextPageToken);
    }

    public String previousUrl() {
      String previous = previousToken(pageToken, UiRoutes.EXPERIMENTS_PAGE_SIZE);
      return previous == null ? null : url(previous);
    }

    private String url(String token) {
      return "/ui/experiments?q=" + encode(q) + (token.isEmpty() ? "" : "&page_token=" + encode(token));
    }
  }

  /**
   * One page of an experiment's runs. {@code columns} are {@code params.KEY}, {@code metrics.KEY} or
   * {@code tags.KEY}; {@code sort} is one of those or an {@code attributes.} column.
   */
  public record RunsPage(Experiment experiment, String filter, String filterError, int errorPosition,
      List<String> columns, List<String> availableColumns, String sort, boolean desc, int pageSize,
      String pageToken, List<Run> runs, String nextPageToken, boolean deleted, boolean canEdit, String csrf) {

    public static final List<String> ATTRIBUTES =
        List.of("attributes.run_name", "attributes.status", "attributes.start_time", "attributes.user_id");

    public String label(String column) {
      return switch (column) {
        case "attributes.run_name" -> "Run";
        case "attributes.status" -> "Status";
        case "attributes.start_time" -> "Started";
        case "attributes.user_id" -> "User";
        default -> column;
      };
    }

    /** The cell of {@code run} in {@code column}; blank when the run has no such value. */
    public String value(Run run, String column) {
      if (column.startsWith("metrics.")) {
        String key = column.substring("metrics.".length());
        for (Metric m : run.metrics()) {
          if (m.key().equals(key)) {
            return number(m.value());
          }
        }
        return "";
      }
      if (column.startsWith("params.")) {
        String key = column.substring("params.".length());
        return run.params().stream().filter(p -> p.key().equals(key)).map(Param::value).findFirst().orElse("");
      }
      if (column.startsWith("tags.")) {
        String key = column.substring("tags.".length());
        return run.tags().stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst().orElse("");
      }
      return switch (column) {
        case "attributes.status" -> run.info().status().name();
        case "attributes.start_time" -> time(run.info().startTime());
        case "attributes.user_id" -> Objects.toString(run.info().userId(), "");
        default -> run.info().runName() == null ? run.info().runId() : run.info().runName();
      };
    }

    /** This view with another sort (a second click on the sorted column flips its direction), first page. */
    public String sortUrl(String column) {
      boolean newDesc = column.equals(sort) ? !desc : !column.equals("attributes.run_name");
      return url(column, newDesc, null);
    }

    /** An arrow for the sorted column, blank for the others. */
    public String sortMark(String column) {
      return column.equals(sort) ? (desc ? " ▼" : " ▲") : "";
    }

    public String nextUrl() {
      return nextPageToken == null ? null : url(sort, desc, nextPageToken);
    }

    public String firstUrl() {
      return pageToken == null ? null : url(sort, desc, null);
    }

    public String previousUrl() {
      String previous = previousToken(pageToken, pageSize);
      return previous == null ? null : url(sort, desc, previous);
    }

    /** This page's own URL: where a delete or restore of its runs returns to. */
    public String selfUrl() {
      return url(sort, desc, pageToken);
    }

    /** The same view of the active runs, or of the deleted ones, from the first page. */
    public String viewUrl(boolean deletedRuns) {
      return new RunsPage(experiment, filter, filterError, errorPosition, columns, availableColumns, sort, desc,
          pageSize, null, runs, null, deletedRuns, canEdit, csrf).url(sort, desc, null);
    }

    /** The form action of the delete (active view) or restore (deleted view) button, back to this page. */
    public String bulkAction() {
      return "/ui/runs/" + (deleted ? "restore" : "delete") + "?experiment_id=" + encode(experiment.experimentId())
          + "&back=" + encode(selfUrl());
    }

    public String filterBefore() {
      return errorPosition < 0 ? filter : filter.substring(0, Math.min(errorPosition, filter.length()));
    }

    public String filterAt() {
      return errorPosition < 0 || errorPosition >= filter.length() ? "" : filter.substring(errorPosition, errorPosition + 1);
    }

    public String filterAfter() {
      return errorPosition < 0 || errorPosition + 1 >= filter.length() ? "" : filter.substring(errorPosition + 1);
    }

    public boolean isChosen(String column) {
      return columns.contains(column);
    }

    private String url(String sortColumn, boolean descending, String token) {
      StringBuilder b = new StringBuilder(runsUrl(experiment.experimentId()));
      if (!filter.isEmpty()) {
        b.append("&filter=").append(encode(filter));
      }
      b.append("&columns_set=1");
      for (String c : columns) {
        b.append("&col=").append(encode(c));
      }
      if (sortColumn != null) {
        b.append("&sort=").append(encode(sortColumn)).append("&desc=").append(descending ? "1" : "0");
      }
      if (pageSize != UiRoutes.DEFAULT_PAGE_SIZE) {
        b.append("&page_size=").append(pageSize);
      }
      if (deleted) {
        b.append("&view=deleted");
      }
      if (token != null && !token.isEmpty()) {
        b.append("&page_token=").append(encode(token));
      }
      return b.toString();
    }
  }

  /** A request the page refused: the status and the API's message. */
  public record ErrorPage(int status, String message) {}

  /** A source tag the run page lists, under a readable label. */
  public record SourceTag(String label, String value) {}

  /** One artifact entry with the link that downloads it (files) or browses it (folders). */
  public record ArtifactLink(String name, boolean isDir, long size, String href, String previewHref) {}

  /** One artifact's preview page. */
  public record ArtifactPage(String runId, String path, long size, String downloadUrl, ArtifactPreview preview) {
    public String truncatedNote() {
      return preview.kind().equals("table")
          ? "Truncated: only the first " + ArtifactPreview.MAX_ROWS + " rows are shown."
          : "Truncated: only the first " + ArtifactPreview.MAX_BYTES / 1024 + " KiB are shown.";
    }
  }

  static String previewUrl(String runId, String rel) {
    return "/ui/artifact?run_id=" + encode(runId) + "&path=" + encode(rel);
  }

  static String downloadUrl(String storePath) {
    return "/api/2.0/mlflow-artifacts/artifacts/" + pathEncode(storePath);
  }

  /** One run: everything it logged, its source, its inputs and one folder of its artifacts. */
  public record RunPage(Run run, Experiment experiment, List<Param> params, List<Tag> tags, List<Metric> metrics,
      List<SourceTag> source, List<DatasetInput> inputs, String artifactPath, List<ArtifactLink> artifacts,
      String artifactsNote, List<Metric> systemMetrics, ChartViews.ChartControls controls) {
    public String name() {
      return run.info().runName() == null ? run.info().runId() : run.info().runName();
    }

    /**
     * The pipeline page this run belongs to: its own when it is a pipeline run (tag cairn.pipeline), its pipeline
     * run's when it is a step (tag cairn.pipeline.run); null otherwise.
     */
    public String pipelineUrl() {
      String own = tag(PipelineExecutor.TAG_PIPELINE);
      String parent = tag(PipelineExecutor.TAG_PIPELINE_RUN);
      return own != null ? PipelineViews.pipelineUrl(run.info().runId())
          : parent != null ? PipelineViews.pipelineUrl(parent) : null;
    }

    public String pipelineLabel() {
      String own = tag(PipelineExecutor.TAG_PIPELINE);
      return own != null ? "the steps of pipeline " + own : "step " + tag(PipelineExecutor.TAG_STEP) + " of a pipeline run";
    }

    private String tag(String key) {
      return run.tags().stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst().orElse(null);
    }

    public String parentUrl() {
      int slash = artifactPath.lastIndexOf('/');
      String parent = slash < 0 ? "" : artifactPath.substring(0, slash);
      return runUrl(run.info().runId()) + (parent.isEmpty() ? "" : "&path=" + encode(parent));
    }
  }

  static ArtifactLink link(String runId, String relative, String storePath, ArtifactStore.ArtifactEntry e) {
    String name = e.path().substring(e.path().lastIndexOf('/') + 1);
    String rel = relative.isEmpty() ? name : relative + "/" + name;
    String href = e.isDir()
        ? runUrl(runId) + "&path=" + encode(rel)
        : downloadUrl(storePath + "/" + rel);
    return new ArtifactLink(name, e.isDir(), e.size(), href, e.isDir() ? null : previewUrl(runId, rel));
  }

  private static String pathEncode(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/", -1)) {
      parts.add(encode(p).replace("+", "%20"));
    }
    return String.join("/", parts);
  }

  /** Runs side by side: a param row is marked when the runs' values differ (a missing value counts). */
  public record ComparePage(List<Run> runs, List<String> paramKeys, List<String> metricKeys,
      ChartViews.ChartControls controls, ChartViews.ScatterPlot scatter, ChartViews.ParallelPlot parallel) {
    public String name(Run run) {
      return run.info().runName() == null ? run.info().runId() : run.info().runName();
    }

    public String param(Run run, String key) {
      return run.params().stream().filter(p -> p.key().equals(key)).map(Param::value).findFirst().orElse("");
    }

    public String metric(Run run, String key) {
      return run.metrics().stream().filter(m -> m.key().equals(key)).map(m -> number(m.value())).findFirst()
          .orElse("");
    }

    public boolean paramDiffers(String key) {
      return runs.stream().map(r -> run(r, key)).distinct().count() > 1;
    }

    public boolean metricDiffers(String key) {
      return runs.stream().map(r -> metric(r, key)).distinct().count() > 1;
    }

    private String run(Run r, String key) {
      return r.params().stream().anyMatch(p -> p.key().equals(key)) ? "=" + param(r, key) : null;
    }
  }
}
