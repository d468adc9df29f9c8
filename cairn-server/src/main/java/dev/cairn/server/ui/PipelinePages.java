package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.pipeline.StepRun;
import dev.cairn.pipeline.StepStatus;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.server.ui.PipelineViews.OutputView;
import dev.cairn.server.ui.PipelineViews.PipelinePage;
import dev.cairn.server.ui.PipelineViews.PipelinesPage;
import dev.cairn.server.ui.PipelineViews.RunRow;
import dev.cairn.server.ui.PipelineViews.StepView;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.sql.PageTokens;
import dev.cairn.tracking.Run;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline pages, all routes in one place. A pipeline run is an MLflow run, so the one-run page names it as
 * {@code run_id} and the API's experiment-scoped grants apply; the list is scoped by {@code experiment_id} when given:
 * <pre>
 * GET /ui/pipelines?name=&amp;experiment_id=&amp;page_size=&amp;page_token=   pipeline runs, newest first, step counts
 * GET /ui/pipeline?run_id=RUN_ID                        one run: its steps as a DAG, then as a table
 * GET /ui/model/version?name=NAME&amp;version=N           a model version with the evaluation registered with it
 * </pre>
 */
public final class PipelinePages {
  public static final String PIPELINES = "/ui/pipelines";
  public static final String PIPELINE = "/ui/pipeline";
  static final int PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 200;

  private final PipelineStore pipelines;
  private final MetadataStore tracking;
  private final ArtifactStore artifacts;

  private PipelinePages(PipelineStore pipelines, MetadataStore tracking, ArtifactStore artifacts) {
    this.pipelines = pipelines;
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  public static void register(RoutesConfig routes, PipelineStore pipelines, MetadataStore tracking,
      ArtifactStore artifacts, ModelRegistryStore registry, LoggedModelStore loggedModels) {
    PipelinePages p = new PipelinePages(pipelines, tracking, artifacts);
    routes.get(PIPELINES, UiRoutes.page(p::list));
    routes.get(PIPELINE, UiRoutes.page(p::show));
    routes.get(EvaluationPage.PATH, UiRoutes.page(new EvaluationPage(registry, loggedModels, artifacts, tracking)::show));
  }

  private void list(Context ctx) {
    String name = UiRoutes.text(ctx, "name");
    String experimentId = UiRoutes.text(ctx, "experiment_id");
    int pageSize = UiRoutes.pageSize(ctx, PAGE_SIZE, MAX_PAGE_SIZE);
    String token = ctx.queryParam("page_token");
    long offset = PageTokens.decode(token);
    if (offset > Integer.MAX_VALUE - MAX_PAGE_SIZE) {
      throw CairnException.invalid("page_token points past the last run; start from the first page");
    }
    // one run more than shown tells whether a next page exists
    List<PipelineRun> runs = pipelines.listRuns(name.isEmpty() ? null : name,
        experimentId.isEmpty() ? null : experimentId, pageSize + 1, (int) offset);
    String next = runs.size() > pageSize ? PageTokens.encode(offset + pageSize) : null;
    List<PipelineRun> shown = runs.subList(0, Math.min(pageSize, runs.size()));
    // one grouped count for the whole page
    Map<String, Map<StepStatus, Integer>> counts = pipelines.stepCounts(shown.stream().map(PipelineRun::runId).toList());
    List<RunRow> rows = shown.stream().map(r -> new RunRow(r, counts.getOrDefault(r.runId(), Map.of()))).toList();
    UiRoutes.render(ctx, "pipelines.jte", new PipelinesPage(name, experimentId, pageSize, rows, next,
        UiViews.previousToken(token, pageSize)));
  }

  private void show(Context ctx) {
    String runId = UiRoutes.text(ctx, "run_id");
    if (runId.isEmpty()) {
      throw CairnException.invalid("query parameter run_id is missing");
    }
    PipelineRun run = pipelines.getRun(runId);
    Map<String, String> bases = new HashMap<>();
    JsonNode definition = definition(run);
    List<String> order = stepOrder(definition, run);
    List<StepView> steps = new ArrayList<>();
    Map<String, StepRun> latest = new LinkedHashMap<>();
    for (String name : order) {
      StepRun s = run.latest(name);
      latest.put(name, s);
      if (s != null) {
        steps.add(stepView(s, bases));
      }
    }
    UiRoutes.render(ctx, "pipeline.jte", new PipelinePage(run, PipelineLayout.of(definition, latest), steps));
  }

  /** The run's definition ({@code Pipeline.describe}); null when it was not stored or cannot be read. */
  private static JsonNode definition(PipelineRun run) {
    if (run.definitionJson() == null) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(run.definitionJson());
    } catch (IOException e) {
      return null; // the table below still lists the steps that ran; the drawing shows them unwired
    }
  }

  /** The steps in the definition's order, then any that ran without being in it (an older definition). */
  private static List<String> stepOrder(JsonNode d, PipelineRun run) {
    List<String> names = new ArrayList<>();
    if (d != null) {
      for (JsonNode step : d.path("steps")) {
        names.add(step.path("name").asText());
      }
    }
    for (StepRun s : run.steps()) {
      if (!names.contains(s.stepName())) {
        names.add(s.stepName());
      }
    }
    return names;
  }

  private StepView stepView(StepRun s, Map<String, String> bases) {
    // a cache hit's outputs live under the step run that made them
    String owner = s.cachedFrom() != null ? s.cachedFrom() : s.stepRunId();
    List<OutputView> outputs = new ArrayList<>();
    for (StepArtifact a : s.outputs()) {
      outputs.add(new OutputView(a, UiViews.downloadUrl(a.path()), preview(owner, a.path(), bases)));
    }
    String log = s.logPath() == null ? null : preview(s.stepRunId(), s.logPath(), bases);
    return new StepView(s, outputs, log);
  }

  /** The preview page of a store path under {@code runId}'s artifacts, or null when it lies elsewhere. */
  private String preview(String runId, String storePath, Map<String, String> bases) {
    String base = bases.computeIfAbsent(runId, id -> {
      try {
        Run r = tracking.getRun(id);
        String b = ArtifactLocations.storePath(r.info().artifactUri(), artifacts.rootUri());
        return b == null ? "" : b;
      } catch (CairnException e) {
        if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
          throw e;
        }
        return ""; // the run was purged: download links only
      }
    });
    if (base.isEmpty() || !storePath.startsWith(base + "/")) {
      return null;
    }
    return UiViews.previewUrl(runId, ArtifactPaths.normalize(storePath.substring(base.length() + 1)));
  }
}
