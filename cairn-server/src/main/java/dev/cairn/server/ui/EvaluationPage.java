package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.ml.eval.Evaluation;
import dev.cairn.ml.eval.FeatureImportance;
import dev.cairn.ml.eval.SliceMetrics;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.registry.ModelVersion;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A model version's page: its facts and the evaluation registered with it, the {@value #EVALUATION} file among the
 * files of the logged model the version points at (as the pipeline's register step stores it). A version registered
 * some other way says it has none.
 */
public final class EvaluationPage {
  static final String PATH = "/ui/model/version";
  static final String EVALUATION = "evaluation.json";
  /** The largest evaluation file read; a pipeline's is a few kB (slices and importance included). */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private final ModelRegistryStore registry;
  private final LoggedModelStore loggedModels;
  private final ArtifactStore artifacts;
  private final MetadataStore tracking;

  EvaluationPage(ModelRegistryStore registry, LoggedModelStore loggedModels, ArtifactStore artifacts,
      MetadataStore tracking) {
    this.registry = registry;
    this.loggedModels = loggedModels;
    this.artifacts = artifacts;
    this.tracking = tracking;
  }

  /** The page's URL. */
  static String url(String name, int version) {
    return PATH + "?name=" + UiViews.encode(name) + "&version=" + version;
  }

  /** The version with its evaluation; {@code evaluation} null with {@code note} saying why there is none. */
  public record VersionPage(ModelVersion version, boolean fromPipeline, Evaluation evaluation, String note,
      List<String> sliceMetrics, ImportanceChart importance) {
    public String modelUrl() {
      return ModelViews.modelUrl(version.name());
    }

    public String lineageUrl() {
      return ModelViews.lineageUrl(version.name(), version.version());
    }

    /** The deployments whose routes, shadows or canary resolve to this version now. */
    public String deploymentsUrl() {
      return DeploymentViews.servingUrl(version.name(), version.version());
    }

    public String runUrl() {
      return version.runId() == null || version.runId().isEmpty() ? null : UiViews.runUrl(version.runId());
    }

    /** The pipeline page of the version's source run, when that run is a pipeline run. */
    public String pipelineUrl() {
      return fromPipeline ? PipelineViews.pipelineUrl(version.runId()) : null;
    }

    public String metric(SliceMetrics slice, String key) {
      Double v = slice.metrics().get(key);
      return v == null ? "" : UiViews.number(v);
    }
  }

  /** Permutation importance as horizontal bars (mean drop) with whiskers of one standard deviation either side. */
  public record ImportanceChart(int width, int height, int zeroX, String metric, List<Bar> bars) {}

  /** One feature's bar: {@code x}..{@code x+width} at row {@code y}; the whisker spans {@code low}..{@code high}. */
  public record Bar(String feature, double mean, double std, int y, int x, int width, int low, int high) {
    public String value() {
      return UiViews.number(mean) + " ± " + UiViews.number(std);
    }

    /** The feature's name as drawn left of its bar, cut to fit (the tooltip has it whole). */
    public String label() {
      return feature.length() <= 22 ? feature : feature.substring(0, 21) + "…";
    }
  }

  void show(Context ctx) {
    String name = ctx.queryParam("name");
    String text = ctx.queryParam("version");
    if (name == null || name.isBlank()) {
      throw CairnException.invalid("query parameter name is missing");
    }
    int number;
    try {
      number = Integer.parseInt(text == null ? "" : text.strip());
    } catch (NumberFormatException e) {
      throw CairnException.invalid("version '" + text + "' must be a model version number (1, 2, ...)");
    }
    ModelVersion v = registry.getModelVersion(name, number);
    boolean fromPipeline = isPipelineRun(v.runId());
    String location = v.modelId() == null ? null : loggedModels.artifactLocation(v.modelId()).orElse(null);
    String base = location == null ? null : ArtifactLocations.storePath(location, artifacts.rootUri());
    String path = base == null ? null : ArtifactPaths.join(base, EVALUATION);
    ArtifactStore.StoredBlob blob = path == null ? null : artifacts.stat(path);
    if (blob == null) {
      UiRoutes.render(ctx, "model-version.jte", new VersionPage(v, fromPipeline, null, v.modelId() == null
          ? "This version has no evaluation: it was not registered from a logged model (a pipeline's register step"
              + " stores one)."
          : "This version has no evaluation: its logged model " + v.modelId() + " has no " + EVALUATION + ".",
          List.of(), null));
      return;
    }
    if (blob.size() > MAX_BYTES) {
      throw new CairnException(ErrorCode.INVALID_PARAMETER_VALUE, EVALUATION + " of " + name + " version " + number
          + " is " + blob.size() + " bytes; the page reads at most " + MAX_BYTES);
    }
    Evaluation eval;
    try (InputStream in = artifacts.open(path)) {
      eval = Evaluation.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "reading " + EVALUATION + " of " + name + " version "
          + number + ": " + e.getMessage(), e);
    }
    TreeSet<String> keys = new TreeSet<>();
    eval.slices().slices().forEach(s -> keys.addAll(s.metrics().keySet()));
    UiRoutes.render(ctx, "model-version.jte", new VersionPage(v, fromPipeline, eval, null, List.copyOf(keys),
        chart(eval.importance())));
  }

  private boolean isPipelineRun(String runId) {
    if (runId == null || runId.isEmpty()) {
      return false;
    }
    try {
      return tracking.getRun(runId).tags().stream().anyMatch(t -> t.key().equals(PipelineExecutor.TAG_PIPELINE));
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      return false;
    }
  }

  static final int LABEL_WIDTH = 160;
  static final int PLOT_WIDTH = 420;
  static final int ROW_HEIGHT = 24;
  /** Room right of the plot for the widest "mean ± std" label. */
  static final int VALUE_WIDTH = 200;

  /** The bars on a scale from the least (or 0) to the greatest (or 0) of mean ± std; null without importance. */
  static ImportanceChart chart(List<FeatureImportance> importance) {
    if (importance.isEmpty()) {
      return null;
    }
    List<FeatureImportance> sorted = new ArrayList<>(importance);
    sorted.sort((a, b) -> Double.compare(b.mean(), a.mean()));
    double min = 0;
    double max = 0;
    for (FeatureImportance f : sorted) {
      min = Math.min(min, f.mean() - f.std());
      max = Math.max(max, f.mean() + f.std());
    }
    double span = max - min == 0 ? 1 : max - min;
    int zero = LABEL_WIDTH + scale(0, min, span);
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      FeatureImportance f = sorted.get(i);
      int end = LABEL_WIDTH + scale(f.mean(), min, span);
      bars.add(new Bar(f.feature(), f.mean(), f.std(), 8 + i * ROW_HEIGHT, Math.min(zero, end), Math.abs(end - zero),
          LABEL_WIDTH + scale(f.mean() - f.std(), min, span), LABEL_WIDTH + scale(f.mean() + f.std(), min, span)));
    }
    return new ImportanceChart(LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, 16 + sorted.size() * ROW_HEIGHT, zero,
        sorted.get(0).metric(), bars);
  }

  private static int scale(double v, double min, double span) {
    return (int) Math.round((v - min) / span * PLOT_WIDTH);
  }
}
