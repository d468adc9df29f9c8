package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.ChartPoint;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.MetricAxis;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.ViewType;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Java client of a Cairn (or MLflow) tracking server: experiments, runs with an asynchronous batching
 * logger, and artifacts through the server's artifact proxy.
 *
 * <pre>{@code
 * CairnClient client = CairnClient.connect("http://127.0.0.1:5000");
 * String experimentId = client.createExperiment("churn");
 * client.run(experimentId, "baseline", run -> {
 *   run.logParam("lr", "0.1");
 *   for (int step = 0; step < 100; step++) run.logMetric("loss", 1.0 / (step + 1), step);
 * }); // FINISHED, or FAILED if the block throws
 * }</pre>
 *
 * <p>Ending runs: {@link #run(String, String, RunBody)} sees the block's exception and ends the run FAILED,
 * then rethrows it. With try-with-resources on {@link #startRun}, {@link ActiveRun#close()} cannot see an
 * exception in flight, so it ends FINISHED unless {@link ActiveRun#fail(Throwable)} was called first.
 *
 * <p>Errors: every failure is a {@link CairnException}. A server error keeps the server's message and its
 * MLflow {@code error_code} mapped back to {@link ErrorCode}; an unreachable server is
 * {@link ErrorCode#TEMPORARILY_UNAVAILABLE}. Instances are thread-safe.
 */
public final class CairnClient implements AutoCloseable {
  /** Where the client connects when neither an argument nor an environment variable names a server. */
  public static final String DEFAULT_TRACKING_URI = "http://127.0.0.1:5000";

  /** The tag MLflow uses to nest a run under another; {@link RunOptions#withParentRunId} sets it. */
  public static final String PARENT_RUN_ID_TAG = "mlflow.parentRunId";

  static final String API = "/api/2.0/mlflow/";
  static final int HISTORY_PAGE_SIZE = 25_000;

  private final Http http;
  private final ArtifactTransfer artifacts;
  private volatile List<Tag> sourceTagsCache;
  private volatile Path sourceTagsDir;

  private CairnClient(String trackingUri, Credentials credentials) {
    this.http = new Http(trackingUri, credentials);
    this.artifacts = new ArtifactTransfer(http);
  }

  /** A run's body for {@link #run}: it may throw, and the run then ends FAILED. */
  @FunctionalInterface
  public interface RunBody<E extends Exception> {
    void accept(ActiveRun run) throws E;
  }

  /** Reports bytes moved by an upload or download; {@code total} is -1 when unknown. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);

    Progress NONE = (done, total) -> {};
  }

  /**
   * Connects to the server at {@code trackingUri}; when it is null or blank, to {@code CAIRN_TRACKING_URI},
   * then {@code MLFLOW_TRACKING_URI}, then {@value #DEFAULT_TRACKING_URI}. No request is made until the
   * first call. Credentials come from the environment ({@link Credentials#fromEnvironment()}:
   * {@code CAIRN_TRACKING_TOKEN}, {@code MLFLOW_TRACKING_TOKEN}, or {@code MLFLOW_TRACKING_USERNAME} and
   * {@code MLFLOW_TRACKING_PASSWORD}).
   */
  public static CairnClient connect(String trackingUri) {
    return connect(trackingUri, Credentials.fromEnvironment());
  }

  /** As {@link #connect(String)}, sending {@code credentials} instead of the environment's. */
  public static CairnClient connect(String trackingUri, Credentials credentials) {
    String uri = resolveTrackingUri(trackingUri);
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw CairnException.invalid("tracking URI '" + uri + "' is not a valid URI: " + e.getMessage());
    }
    if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
      throw CairnException.invalid(
          "tracking URI '" + uri + "' must be http://host:port or https://host:port");
    }
    return new CairnClient(uri, credentials == null ? Credentials.NONE : credentials);
  }

  /** Connects to the server named by the environment, or {@value #DEFAULT_TRACKING_URI}. */
  public static CairnClient connect() {
    return connect(null);
  }

  /**
   * Releases the client's network thread, so that a short program (a CLI command) exits at once instead of
   * waiting for it; calls after this fail. End or close the runs started from this client first. Optional
   * for long-lived programs: the thread is a daemon and ends with the JVM.
   */
  @Override
  public void close() {
    http.close();
  }

  /** The tracking URI chosen by {@link #connect(String)}'s rules, without connecting. */
  public static String resolveTrackingUri(String explicit) {
    for (String candidate : new String[] {
        explicit, System.getenv("CAIRN_TRACKING_URI"), System.getenv("MLFLOW_TRACKING_URI")}) {
      if (candidate != null && !candidate.isBlank()) {
        return Http.stripTrailingSlash(candidate);
      }
    }
    return DEFAULT_TRACKING_URI;
  }

  /** The server's audit log: events by actor, target, action and time; chain verification. */
  public AuditClient audit() {
    return new AuditClient(http);
  }

  /** Users, role grants and API tokens on this server. */
  public IdentityClient identity() {
    return new IdentityClient(http);
  }

  /** Dataset versions on this server: add, get (hash-checked), link to a run. */
  public DatasetsClient datasets() {
    return new DatasetsClient(http);
  }

  /** Lineage of model versions and dataset versions. */
  public LineageClient lineage() {
    return new LineageClient(http);
  }

  /** The model registry on this server: models, versions, aliases, {@code models:/} URIs. */
  public ModelRegistryClient models() {
    return new ModelRegistryClient(http, artifacts);
  }

  /** Deployments on this server: weighted routes to model versions and aliases, shadows, sticky keys, history. */
  public DeploymentsClient deployments() {
    return new DeploymentsClient(http);
  }

  /** Alert rules over deployments' monitor windows, and the alerts they fired. */
  public AlertsClient alerts() {
    return new AlertsClient(http);
  }

  /** Four-eyes promotion of protected aliases: policies, requests, approvals, rollback. */
  public PromotionsClient promotions() {
    return new PromotionsClient(http);
  }

  /** MLflow 3 logged models on this server: create, upload a folder as a model's artifacts, finalize, search. */
  public LoggedModelsClient loggedModels() {
    return new LoggedModelsClient(http, artifacts);
  }

  /** The server's base URL, without a trailing slash. */
  public String trackingUri() {
    return http.baseUrl();
  }

  // ---------------------------------------------------------------- experiments

  /** Creates an experiment and returns its id; RESOURCE_ALREADY_EXISTS if the name is taken. */
  public String createExperiment(String name) {
    return createExperiment(name, null, List.of());
  }

  /** Creates an experiment with an artifact location (null: the server's default) and tags. */
  public String createExperiment(String name, String artifactLocation, List<Tag> tags) {
    ObjectNode body = Wire.object().put("name", name);
    Wire.putIfPresent(body, "artifact_location", artifactLocation);
    body.set("tags", Wire.tagArray(tags));
    return http.post(API + "experiments/create", body).path("experiment_id").asText();
  }

  /** The experiment with this id, deleted or not; RESOURCE_DOES_NOT_EXIST if there is none. */
  public Experiment getExperiment(String experimentId) {
    JsonNode r = http.get(API + "experiments/get", Map.of("experiment_id", experimentId));
    return Wire.experiment(r.path("experiment"));
  }

  /** The experiment with this name, or empty if there is none. */
  public Optional<Experiment> getExperimentByName(String name) {
    try {
      JsonNode r = http.get(API + "experiments/get-by-name", Map.of("experiment_name", name));
      return Optional.of(Wire.experiment(r.path("experiment")));
    } catch (CairnException e) {
      if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The id of the experiment named {@code name}, created if there is none (MLflow's {@code set_experiment}).
   * Safe when several processes race to create it. A deleted experiment of that name is INVALID_STATE:
   * restore it with {@link #restoreExperiment} or choose another name.
   */
  public String getOrCreateExperiment(String name) {
    Optional<Experiment> found = getExperimentByName(name);
    if (found.isEmpty()) {
      try {
        return createExperiment(name);
      } catch (CairnException e) {
        if (e.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
          throw e;
        }
        found = getExperimentByName(name); // another process created it between our two calls
        if (found.isEmpty()) {
          throw e;
        }
      }
    }
    Experiment experiment = found.get();
    if (experiment.lifecycleStage() == LifecycleStage.DELETED) {
      throw new CairnException(ErrorCode.INVALID_STATE, "experiment '" + name + "' (id " + experiment.experimentId()
          + ") is deleted; restore it with restoreExperiment(\"" + experiment.experimentId() + "\") or choose another name");
    }
    return experiment.experimentId();
  }

  /** One page of active experiments, in the server's default order. */
  public Page<Experiment> searchExperiments() {
    return searchExperiments(null, List.of(), 1000, null, ViewType.ACTIVE_ONLY);
  }

  /**
   * One page of experiments matching {@code filter} (MLflow's grammar, null for all), ordered by
   * {@code orderBy} clauses such as {@code "name ASC"}. Pass the returned page token to get the next page.
   */
  public Page<Experiment> searchExperiments(
      String filter, List<String> orderBy, int maxResults, String pageToken, ViewType viewType) {
    ObjectNode body = Wire.object().put("max_results", maxResults);
    Wire.putIfPresent(body, "filter", filter);
    Wire.putIfPresent(body, "page_token", pageToken);
    body.put("view_type", (viewType == null ? ViewType.ACTIVE_ONLY : viewType).name());
    ArrayNode order = body.putArray("order_by");
    (orderBy == null ? List.<String>of() : orderBy).forEach(order::add);
    JsonNode r = http.post(API + "experiments/search", body);
    List<Experiment> items = new ArrayList<>();
    for (JsonNode e : r.path("experiments")) {
      items.add(Wire.experiment(e));
    }
    return new Page<>(items, nextToken(r));
  }

  /** Sets (or overwrites) a tag on an experiment. */
  public void setExperimentTag(String experimentId, String key, String value) {
    http.post(API + "experiments/set-experiment-tag",
        Wire.object().put("experiment_id", experimentId).put("key", key).put("value", value));
  }

  /** Soft-deletes an experiment and its runs; {@link #restoreExperiment} undoes it. */
  public void deleteExperiment(String experimentId) {
    http.post(API + "experiments/delete", Wire.object().put("experiment_id", experimentId));
  }

  /** Restores a soft-deleted experiment. */
  public void restoreExperiment(String experimentId) {
    http.post(API + "experiments/restore", Wire.object().put("experiment_id", experimentId));
  }

  // ---------------------------------------------------------------- runs

  /** Starts a run with {@link RunOptions#defaults()}; close the returned run to end it. */
  public ActiveRun startRun(String experimentId, String runName) {
    return startRun(experimentId, runName, RunOptions.defaults());
  }

  /**
   * Starts a run, tagged with its source unless {@code options.autoTags()} is false, and nested under
   * {@code options.parentRunId()} when set (tag {@code mlflow.parentRunId}, as MLflow's UI and search expect).
   */
  public ActiveRun startRun(String experimentId, String runName, RunOptions options) {
    Objects.requireNonNull(options, "options");
    List<Tag> tags = new ArrayList<>(options.autoTags() ? sourceTags(options.workingDirectory()) : List.of());
    if (runName != null) {
      tags.add(new Tag("mlflow.runName", runName));
    }
    if (options.parentRunId() != null) {
      tags.add(new Tag(PARENT_RUN_ID_TAG, options.parentRunId()));
    }
    ObjectNode body = Wire.object()
        .put("experiment_id", experimentId)
        .put("start_time", System.currentTimeMillis())
        .put("user_id", System.getProperty("user.name", "unknown"));
    Wire.putIfPresent(body, "run_name", runName);
    body.set("tags", Wire.tagArray(tags));
    RunInfo info = Wire.runInfo(http.post(API + "runs/create", body).path("run").path("info"));
    return new ActiveRun(this, info, options);
  }

  /**
   * Runs {@code body} inside a new run and ends the run FINISHED, or FAILED if the body throws (the
   * exception is then rethrown unchanged). Returns the run id.
   */
  public <E extends Exception> String run(String experimentId, String runName, RunBody<E> body) throws E {
    return run(experimentId, runName, RunOptions.defaults(), body);
  }

  /** As {@link #run(String, String, RunBody)}, with options. */
  public <E extends Exception> String run(String experimentId, String runName, RunOptions options, RunBody<E> body)
      throws E {
    ActiveRun run = startRun(experimentId, runName, options);
    try {
      body.accept(run);
    } catch (Throwable t) {
      run.fail(t);
      try {
        run.close();
      } catch (RuntimeException closing) {
        t.addSuppressed(closing);
      }
      throw t;
    }
    run.close();
    return run.runId();
  }

  /** The run with its latest metrics, params, tags and dataset inputs. */
  public Run getRun(String runId) {
    return Wire.run(http.get(API + "runs/get", Map.of("run_id", runId)).path("run"));
  }

  /**
   * One page of active runs in the given experiments matching {@code filter} (e.g. {@code "metrics.acc > 0.8"},
   * or {@code "tags.mlflow.parentRunId = '<id>'"} for a run's children; null for all), ordered by
   * {@code orderBy} (e.g. {@code "metrics.acc DESC"}). Pass the returned page token to get the next page.
   */
  public Page<Run> searchRuns(
      List<String> experimentIds, String filter, List<String> orderBy, int maxResults, String pageToken) {
    return searchRuns(experimentIds, filter, orderBy, maxResults, pageToken, ViewType.ACTIVE_ONLY);
  }

  /** As {@link #searchRuns(List, String, List, int, String)}, over active, deleted or all runs. */
  public Page<Run> searchRuns(List<String> experimentIds, String filter, List<String> orderBy, int maxResults,
      String pageToken, ViewType viewType) {
    ObjectNode body = Wire.object().put("max_results", maxResults)
        .put("run_view_type", (viewType == null ? ViewType.ACTIVE_ONLY : viewType).name());
    ArrayNode ids = body.putArray("experiment_ids");
    experimentIds.forEach(ids::add);
    Wire.putIfPresent(body, "filter", filter);
    Wire.putIfPresent(body, "page_token", pageToken);
    ArrayNode order = body.putArray("order_by");
    (orderBy == null ? List.<String>of() : orderBy).forEach(order::add);
    JsonNode r = http.post(API + "runs/search", body);
    List<Run> runs = new ArrayList<>();
    for (JsonNode n : r.path("runs")) {
      runs.add(Wire.run(n));
    }
    return new Page<>(runs, nextToken(r));
  }

  /**
   * Every point of one metric of a run, in the server's order (step, then timestamp), fetched page by page:
   * each request asks for 25,000 points and follows {@code next_page_token} until the server sends none.
   */
  public List<Metric> getMetricHistory(String runId, String metricKey) {
    return getMetricHistory(runId, metricKey, HISTORY_PAGE_SIZE);
  }

  List<Metric> getMetricHistory(String runId, String metricKey, int pageSize) {
    List<Metric> points = new ArrayList<>();
    String token = null;
    do {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("run_id", runId);
      query.put("metric_key", metricKey);
      query.put("max_results", Integer.toString(pageSize));
      query.put("page_token", token);
      JsonNode r = http.get(API + "metrics/get-history", query);
      for (JsonNode m : r.path("metrics")) {
        points.add(Wire.metric(m));
      }
      token = nextToken(r);
    } while (token != null);
    return points;
  }

  /**
   * One metric of a run reduced by the server to at most {@code points} chart points (2 to 10,000), by step and in
   * step order: each bucket of the step range keeps its first, last, least and greatest value, so a spike in a
   * history of millions of points stays visible. For every point, use {@link #getMetricHistory(String, String)}.
   * An unknown key gives no points; an unknown run is {@code RESOURCE_DOES_NOT_EXIST}.
   */
  public List<ChartPoint> getMetricHistoryDownsampled(String runId, String metricKey, int points) {
    return getMetricHistoryDownsampled(runId, metricKey, points, MetricAxis.STEP);
  }

  /** As {@link #getMetricHistoryDownsampled(String, String, int)}, against the step or the timestamp. */
  public List<ChartPoint> getMetricHistoryDownsampled(String runId, String metricKey, int points, MetricAxis x) {
    JsonNode r = http.get("/api/cairn/v1/metrics/downsampled", Map.of("run_id", runId, "key", metricKey,
        "points", Integer.toString(points), "x", x.wire()));
    List<ChartPoint> out = new ArrayList<>();
    for (JsonNode p : r.path("points")) {
      out.add(new ChartPoint(p.path(0).asLong(), Wire.number(p.path(1))));
    }
    return out;
  }

  /** Sets a run's status and end time (now, for a terminal status). */
  public RunInfo updateRun(String runId, RunStatus status) {
    ObjectNode body = Wire.object().put("run_id", runId).put("run_uuid", runId).put("status", status.name());
    if (status.isTerminal()) {
      body.put("end_time", System.currentTimeMillis());
    }
    JsonNode r = http.post(API + "runs/update", body);
    return r.has("run_info") ? Wire.runInfo(r.get("run_info")) : null;
  }

  /**
   * Ends a run that is not held by an {@link ActiveRun} (say one started elsewhere) with a terminal status
   * (FINISHED, FAILED or KILLED) and the end time now. For an {@link ActiveRun}, use {@link ActiveRun#end}.
   */
  public RunInfo endRun(String runId, RunStatus status) {
    if (!status.isTerminal()) {
      throw CairnException.invalid("run end status " + status + " is not terminal; use FINISHED, FAILED or KILLED");
    }
    return updateRun(runId, status);
  }

  /** Soft-deletes a run: search leaves it out unless asked for deleted runs; {@link #restoreRun} undoes it. */
  public void deleteRun(String runId) {
    http.post(API + "runs/delete", Wire.object().put("run_id", runId));
  }

  /** Restores a soft-deleted run. */
  public void restoreRun(String runId) {
    http.post(API + "runs/restore", Wire.object().put("run_id", runId));
  }

  /** Sets a tag on a run synchronously. */
  public void setRunTag(String runId, String key, String value) {
    http.post(API + "runs/set-tag", Wire.object().put("run_id", runId).put("run_uuid", runId)
        .put("key", key).put("value", value));
  }

  /**
   * Logs one batch synchronously, within MLflow's limits (1000 metrics, 100 params, 100 tags, 1000 in all).
   * {@link ActiveRun} batches for you; this is for callers that already hold a batch.
   */
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ObjectNode body = Wire.object().put("run_id", runId);
    ArrayNode m = body.putArray("metrics");
    metrics.forEach(x -> m.add(Wire.metricJson(x)));
    ArrayNode p = body.putArray("params");
    params.forEach(x -> p.addObject().put("key", x.key()).put("value", x.value()));
    body.set("tags", Wire.tagArray(tags));
    http.post(API + "runs/log-batch", body);
  }

  /** Records datasets the run used. */
  public void logInputs(String runId, List<DatasetInput> datasets) {
    ObjectNode body = Wire.object().put("run_id", runId);
    ArrayNode a = body.putArray("datasets");
    datasets.forEach(d -> a.add(Wire.datasetInputJson(d)));
    http.post(API + "runs/log-inputs", body);
  }

  // ---------------------------------------------------------------- artifacts

  /**
   * Uploads {@code localFile} to the run's artifacts as {@code artifactPath/<file name>} (or at the root
   * when {@code artifactPath} is null), streaming it through the server's artifact proxy.
   */
  public void uploadArtifact(String runId, Path localFile, String artifactPath) {
    uploadArtifact(runId, localFile, artifactPath, Progress.NONE);
  }

  /** As {@link #uploadArtifact(String, Path, String)}, reporting bytes sent. */
  public void uploadArtifact(String runId, Path localFile, String artifactPath, Progress progress) {
    artifacts.uploadFile(artifactRoot(runId), localFile, artifactPath, progress);
  }

  /**
   * Uploads every file under {@code localDir}, recursively, keeping paths relative to it: {@code
   * localDir/plots/a.png} becomes {@code artifactPath/plots/a.png} (at the root when {@code artifactPath} is
   * null), as MLflow's {@code log_artifacts} does. Returns the run-relative paths written.
   */
  public List<String> uploadArtifacts(String runId, Path localDir, String artifactPath) {
    return artifacts.uploadDirectory(artifactRoot(runId), localDir, artifactPath, Progress.NONE);
  }

  /** As {@link #uploadArtifacts(String, Path, String)}, reporting bytes sent per file. */
  public List<String> uploadArtifacts(String runId, Path localDir, String artifactPath, Progress progress) {
    return artifacts.uploadDirectory(artifactRoot(runId), localDir, artifactPath, progress);
  }

  /**
   * Downloads the artifact file or directory {@code artifactPath} of a run into {@code destDir}, keeping
   * its last path element as the name; returns the local path. Files are written to a temporary name and
   * renamed, so a failed download leaves no partial file.
   */
  public Path downloadArtifact(String runId, String artifactPath, Path destDir) {
    return downloadArtifact(runId, artifactPath, destDir, Progress.NONE);
  }

  /** As {@link #downloadArtifact(String, String, Path)}, reporting bytes received per file. */
  public Path downloadArtifact(String runId, String artifactPath, Path destDir, Progress progress) {
    String path = ArtifactTransfer.normalise(artifactPath);
    if (path.isEmpty()) {
      throw CairnException.invalid("artifact path is empty; name a file or directory of the run");
    }
    return artifacts.download(artifactRoot(runId), path, destDir, progress);
  }

  /** The files and directories directly under {@code path} (null or "" for the root) of a run's artifacts. */
  public List<ArtifactFile> listArtifacts(String runId, String path) {
    return artifacts.list(artifactRoot(runId), ArtifactTransfer.normalise(path));
  }

  ArtifactTransfer artifacts() {
    return artifacts;
  }

  private String artifactRoot(String runId) {
    return ArtifactTransfer.root(getRun(runId).info());
  }

  // ---------------------------------------------------------------- internals

  List<Tag> sourceTags(Path workingDirectory) {
    List<Tag> cached = sourceTagsCache;
    if (cached != null && workingDirectory.equals(sourceTagsDir)) {
      return cached;
    }
    List<Tag> fresh = List.copyOf(SourceTags.collect(workingDirectory));
    sourceTagsDir = workingDirectory;
    sourceTagsCache = fresh;
    return fresh;
  }

  private static String nextToken(JsonNode r) {
    String token = r.path("next_page_token").asText("");
    return token.isEmpty() ? null : token;
  }

  /** Run tags as a map, last write wins. */
  static Map<String, String> tagMap(List<Tag> tags) {
    Map<String, String> m = new LinkedHashMap<>();
    tags.forEach(t -> m.put(t.key(), t.value()));
    return m;
  }
}
