package dev.cairn.server.ui;

import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.pipeline.StepRun;
import dev.cairn.pipeline.StepStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What the pipeline pages show, and their URLs. */
public final class PipelineViews {
  private PipelineViews() {}

  public static String pipelineUrl(String runId) {
    return PipelinePages.PIPELINE + "?run_id=" + UiViews.encode(runId);
  }

  /** The list filtered by pipeline name (and experiment, when the list was), at {@code token} (null: the first page). */
  public static String listUrl(String name, String experimentId, String token) {
    return listUrl(name, experimentId, PipelinePages.PAGE_SIZE, token);
  }

  static String listUrl(String name, String experimentId, int pageSize, String token) {
    StringBuilder url = new StringBuilder(PipelinePages.PIPELINES);
    char sep = '?';
    if (pageSize != PipelinePages.PAGE_SIZE) {
      url.append(sep).append("page_size=").append(pageSize);
      sep = '&';
    }
    if (name != null && !name.isEmpty()) {
      url.append(sep).append("name=").append(UiViews.encode(name));
      sep = '&';
    }
    if (experimentId != null && !experimentId.isEmpty()) {
      url.append(sep).append("experiment_id=").append(UiViews.encode(experimentId));
      sep = '&';
    }
    if (token != null && !token.isEmpty()) {
      url.append(sep).append("page_token=").append(UiViews.encode(token));
    }
    return url.toString();
  }

  /** A duration in milliseconds as people read it: 850 ms, 12.3 s, 4 min 05 s; blank when unknown. */
  public static String duration(Long millis) {
    if (millis == null) {
      return "";
    }
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }

  /** The CSS class of a status: {@code succeeded}, {@code cached}, ... ({@code pending} for a step not started). */
  public static String statusClass(Enum<?> status) {
    return status == null ? "pending" : status.name().toLowerCase(Locale.ROOT);
  }

  /** A byte count with its unit. */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  /** The pipeline runs list: one page, newest first. */
  public record PipelinesPage(String name, String experimentId, int pageSize, List<RunRow> runs,
      String nextPageToken, String previousPageToken) {
    public String nextUrl() {
      return nextPageToken == null ? null : listUrl(name, experimentId, pageSize, nextPageToken);
    }

    public String previousUrl() {
      return previousPageToken == null ? null : listUrl(name, experimentId, pageSize, previousPageToken);
    }
  }

  /** One pipeline run in the list, with how many of its steps ran, were cached, failed and were skipped. */
  public record RunRow(PipelineRun run, Map<StepStatus, Integer> counts) {
    public int count(StepStatus status) {
      return counts.getOrDefault(status, 0);
    }

    public String url() {
      return pipelineUrl(run.runId());
    }
  }

  /** One pipeline run: the drawing of its steps and their table. */
  public record PipelinePage(PipelineRun run, PipelineLayout.Dag dag, List<StepView> steps) {
    public String experimentUrl() {
      return run.experimentId() == null ? null : UiViews.runsUrl(run.experimentId());
    }
  }

  /** A step's newest attempt with links to its outputs and its log ({@code logUrl} null without one). */
  public record StepView(StepRun step, List<OutputView> outputs, String logUrl) {
    public String runUrl() {
      return UiViews.runUrl(step.stepRunId());
    }

    public String cachedFromUrl() {
      return step.cachedFrom() == null ? null : UiViews.runUrl(step.cachedFrom());
    }

    /** The parameters as {@code key=value}, in the step's order. */
    public String params() {
      return step.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(", "));
    }
  }

  /** An output artifact: its download URL through the artifact proxy and its preview page (null when none). */
  public record OutputView(StepArtifact artifact, String downloadUrl, String previewUrl) {}
}
