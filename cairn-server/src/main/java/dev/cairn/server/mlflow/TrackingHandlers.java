package dev.cairn.server.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.StreamedJson;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.loggedmodels.ModelMetric;
import dev.cairn.store.loggedmodels.RunOutput;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.MetricPoint;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.TrackingValidation;
import dev.cairn.tracking.ViewType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MLflow tracking endpoints: each parses its fields, checks the request's shape and MLflow's request
 * limits, calls one store method and renders the answer. Business rules live in the store.
 */
final class TrackingHandlers {
  // MLflow's limits (mlflow/utils/validation.py and handlers.py).
  static final int MAX_METRICS_PER_BATCH = 1000;
  static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
  static final int MAX_ENTITIES_PER_BATCH = 1000;
  static final int SEARCH_MAX_RESULTS_DEFAULT = 1000;
  static final int SEARCH_MAX_RESULTS_LIMIT = 50_000;
  /** MLflow's GET_METRIC_HISTORY_MAX_RESULTS: the page its clients ask for, and here the largest page. */
  static final int HISTORY_MAX_RESULTS_DEFAULT = TrackingValidation.MAX_RESULTS_GET_METRIC_HISTORY;
  static final int HISTORY_MAX_RESULTS_LIMIT = TrackingValidation.MAX_RESULTS_GET_METRIC_HISTORY;
  static final int BULK_INTERVAL_MAX_RESULTS_DEFAULT = 320;
  static final int BULK_INTERVAL_MAX_RESULTS_LIMIT = 2500;
  static final int BULK_INTERVAL_MAX_RUNS = 100;

  private final MetadataStore store;
  private final ArtifactStore artifacts;
  /** MLflow 3's logged models: a run's model outputs and metrics linked to models; null when not served. */
  private final LoggedModelStore loggedModels;

  TrackingHandlers(MetadataStore store, ArtifactStore artifacts) {
    this(store, artifacts, null);
  }

  TrackingHandlers(MetadataStore store, ArtifactStore artifacts, LoggedModelStore loggedModels) {
    this.store = store;
    this.artifacts = artifacts;
    this.loggedModels = loggedModels;
  }

  // ---- experiments

  JsonNode createExperiment(RequestFields f) {
    String name = f.requiredString("name");
    if (name.isBlank()) {
      throw CairnException.invalid("experiment name must not be empty");
    }
    String id = store.createExperiment(name, emptyToNull(f.string("artifact_location")), tags(f, "tags"));
    return MlflowJson.object().put("experiment_id", id);
  }

  JsonNode getExperiment(RequestFields f) {
    Experiment e = store.getExperiment(f.requiredString("experiment_id"));
    ObjectNode out = MlflowJson.object();
    out.set("experiment", MlflowJson.experiment(e));
    return out;
  }

  JsonNode getExperimentByName(RequestFields f) {
    Experiment e = store.getExperimentByName(f.requiredString("experiment_name"));
    ObjectNode out = MlflowJson.object();
    out.set("experiment", MlflowJson.experiment(e));
    return out;
  }

  JsonNode searchExperiments(RequestFields f) {
    int maxResults = f.intValue("max_results", SEARCH_MAX_RESULTS_DEFAULT, 1, SEARCH_MAX_RESULTS_LIMIT);
    Page<Experiment> page = store.searchExperiments(
        viewType(f, "view_type"), emptyToNull(f.string("filter")), f.strings("order_by"), maxResults,
        emptyToNull(f.string("page_token")));
    ObjectNode out = MlflowJson.object();
    ArrayNode list = out.putArray("experiments");
    page.items().forEach(e -> list.add(MlflowJson.experiment(e)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    return out;
  }

  JsonNode updateExperiment(RequestFields f) {
    String id = f.requiredString("experiment_id");
    String newName = f.string("new_name");
    if (newName != null) {
      if (newName.isBlank()) {
        throw CairnException.invalid("new_name must not be empty");
      }
      store.renameExperiment(id, newName);
    }
    return MlflowJson.object();
  }

  JsonNode deleteExperiment(RequestFields f) {
    store.deleteExperiment(f.requiredString("experiment_id"));
    return MlflowJson.object();
  }

  JsonNode restoreExperiment(RequestFields f) {
    store.restoreExperiment(f.requiredString("experiment_id"));
    return MlflowJson.object();
  }

  JsonNode setExperimentTag(RequestFields f) {
    store.setExperimentTag(f.requiredString("experiment_id"), tag(f));
    return MlflowJson.object();
  }

  JsonNode deleteExperimentTag(RequestFields f) {
    store.deleteExperimentTag(f.requiredString("experiment_id"), f.requiredString("key"));
    return MlflowJson.object();
  }

  // ---- runs

  JsonNode createRun(RequestFields f) {
    String experimentId = f.string("experiment_id");
    if (experimentId == null || experimentId.isEmpty()) {
      experimentId = MetadataStore.DEFAULT_EXPERIMENT_ID;
    }
    Long startTime = f.longValue("start_time");
    RunInfo info = store.createRun(experimentId, f.string("user_id"),
        startTime == null ? System.currentTimeMillis() : startTime, emptyToNull(f.string("run_name")),
        tags(f, "tags"));
    return runResponse(store.getRun(info.runId()));
  }

  JsonNode getRun(RequestFields f) {
    return runResponse(store.getRun(runId(f)));
  }

  JsonNode updateRun(RequestFields f) {
    String runId = runId(f);
    String status = f.string("status");
    RunInfo info = store.updateRun(runId, status == null ? null : runStatus(status), f.longValue("end_time"),
        emptyToNull(f.string("run_name")));
    ObjectNode out = MlflowJson.object();
    out.set("run_info", MlflowJson.runInfo(info));
    return out;
  }

  JsonNode deleteRun(RequestFields f) {
    store.deleteRun(runId(f));
    return MlflowJson.object();
  }

  JsonNode restoreRun(RequestFields f) {
    store.restoreRun(runId(f));
    return MlflowJson.object();
  }

  JsonNode logMetric(RequestFields f) {
    String runId = runId(f);
    store.logBatch(runId, List.of(metric(f)), List.of(), List.of());
    linkModelMetrics(runId, List.of(f));
    return MlflowJson.object();
  }

  JsonNode logParam(RequestFields f) {
    String runId = runId(f);
    store.logBatch(runId, List.of(), List.of(new Param(requiredKey(f), f.string("value"))), List.of());
    return MlflowJson.object();
  }

  JsonNode setTag(RequestFields f) {
    String runId = runId(f);
    store.logBatch(runId, List.of(), List.of(), List.of(tag(f)));
    return MlflowJson.object();
  }

  JsonNode deleteTag(RequestFields f) {
    store.deleteTag(runId(f), f.requiredString("key"));
    return MlflowJson.object();
  }

  JsonNode logBatch(RequestFields f) {
    String runId = runId(f);
    List<RequestFields> metricFields = f.objects("metrics");
    List<RequestFields> paramFields = f.objects("params");
    List<RequestFields> tagFields = f.objects("tags");
    if (metricFields.size() > MAX_METRICS_PER_BATCH) {
      throw CairnException.invalid("A batch logging request can contain at most " + MAX_METRICS_PER_BATCH
          + " metrics. Got " + metricFields.size() + " metrics. Split them across several requests.");
    }
    if (paramFields.size() > MAX_PARAMS_TAGS_PER_BATCH) {
      throw CairnException.invalid("A batch logging request can contain at most " + MAX_PARAMS_TAGS_PER_BATCH
          + " params. Got " + paramFields.size() + " params. Split them across several requests.");
    }
    if (tagFields.size() > MAX_PARAMS_TAGS_PER_BATCH) {
      throw CairnException.invalid("A batch logging request can contain at most " + MAX_PARAMS_TAGS_PER_BATCH
          + " tags. Got " + tagFields.size() + " tags. Split them across several requests.");
    }
    int total = metricFields.size() + paramFields.size() + tagFields.size();
    if (total > MAX_ENTITIES_PER_BATCH) {
      throw CairnException.invalid("A batch logging request can contain at most " + MAX_ENTITIES_PER_BATCH
          + " metrics, params and tags in total. Got " + total + ". Split them across several requests.");
    }
    List<Metric> metrics = new ArrayList<>(metricFields.size());
    metricFields.forEach(m -> metrics.add(metric(m)));
    List<Param> params = new ArrayList<>(paramFields.size());
    paramFields.forEach(p -> params.add(new Param(requiredKey(p), p.string("value"))));
    List<Tag> tags = new ArrayList<>(tagFields.size());
    tagFields.forEach(t -> tags.add(tag(t)));
    store.logBatch(runId, metrics, params, tags);
    linkModelMetrics(runId, metricFields);
    return MlflowJson.object();
  }

  JsonNode logInputs(RequestFields f) {
    String runId = runId(f);
    List<DatasetInput> inputs = new ArrayList<>();
    for (RequestFields d : f.objects("datasets")) {
      RequestFields ds = d.object("dataset");
      if (ds == null) {
        throw CairnException.invalid("Missing value for required parameter 'datasets[].dataset'");
      }
      inputs.add(new DatasetInput(ds.requiredString("name"), ds.requiredString("digest"),
          ds.string("source_type"), ds.string("source"), ds.string("schema"), ds.string("profile"),
          tags(d, "tags")));
    }
    store.logInputs(runId, inputs);
    return MlflowJson.object();
  }

  JsonNode searchRuns(RequestFields f) {
    int maxResults = f.intValue("max_results", SEARCH_MAX_RESULTS_DEFAULT, 1, SEARCH_MAX_RESULTS_LIMIT);
    Page<Run> page = store.searchRuns(f.strings("experiment_ids"), emptyToNull(f.string("filter")),
        viewType(f, "run_view_type"), maxResults, f.strings("order_by"), emptyToNull(f.string("page_token")));
    ObjectNode out = MlflowJson.object();
    ArrayNode runs = out.putArray("runs");
    page.items().forEach(r -> runs.add(MlflowJson.run(r)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    return out;
  }

  // ---- metrics

  /**
   * Without max_results and page_token, every point, as MLflow answers; otherwise one page of at most max_results
   * (1 to 25,000, MLflow's page size) with a next_page_token while points remain. Points go to the response as
   * the store reads them, so a series of any length costs the server one read chunk of memory.
   */
  StreamedJson getMetricHistory(RequestFields f) {
    String runId = runId(f);
    String key = f.requiredString("metric_key");
    String pageToken = emptyToNull(f.string("page_token"));
    int maxResults = f.intValue("max_results", pageToken == null ? 0 : HISTORY_MAX_RESULTS_DEFAULT, 1,
        HISTORY_MAX_RESULTS_LIMIT);
    return out -> {
      MetricHistoryWriter[] writer = {null}; // made at the first point: an error before it still renders normally
      String next;
      try {
        next = store.visitMetricHistory(runId, key, maxResults, pageToken, m -> {
          try {
            if (writer[0] == null) {
              writer[0] = new MetricHistoryWriter(out.stream(), key);
            }
            writer[0].write(m);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      if (writer[0] == null) {
        writer[0] = new MetricHistoryWriter(out.stream(), key); // an empty series
      }
      writer[0].finish(next);
    };
  }

  JsonNode getMetricHistoryBulkInterval(RequestFields f) {
    List<String> runIds = f.strings("run_ids");
    if (runIds.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'run_ids'");
    }
    if (runIds.size() > BULK_INTERVAL_MAX_RUNS) {
      throw CairnException.invalid("parameter 'run_ids' has " + runIds.size() + " run ids; the limit is "
          + BULK_INTERVAL_MAX_RUNS);
    }
    String key = f.requiredString("metric_key");
    Long startStep = f.longValue("start_step");
    Long endStep = f.longValue("end_step");
    if ((startStep == null) != (endStep == null)) {
      throw CairnException.invalid("parameters 'start_step' and 'end_step' must be given together");
    }
    if (startStep != null && startStep > endStep) {
      throw CairnException.invalid("start_step " + startStep + " is greater than end_step " + endStep);
    }
    int maxResults = f.intValue("max_results", BULK_INTERVAL_MAX_RESULTS_DEFAULT, 1,
        BULK_INTERVAL_MAX_RESULTS_LIMIT);
    List<MetricPoint> points = store.getMetricHistoryBulkInterval(runIds, key, startStep, endStep, maxResults);
    ObjectNode out = MlflowJson.object();
    ArrayNode list = out.putArray("metrics");
    for (MetricPoint p : points) {
      list.add(MlflowJson.metric(p.metric()).put("run_id", p.runId()));
    }
    return out;
  }

  // ---- artifacts

  /** Lists the run's artifacts when its artifact URI lives in this server's artifact store. */
  JsonNode listArtifacts(RequestFields f) {
    Run run = store.getRun(runId(f));
    String artifactUri = run.info().artifactUri();
    String relative = ArtifactPaths.normalize(f.string("path"));
    String base = ArtifactLocations.storePath(artifactUri, artifacts.rootUri());
    if (base == null) {
      throw CairnException.invalid("run " + run.info().runId() + " stores artifacts at '" + artifactUri
          + "', outside this server's artifact store (" + artifacts.rootUri()
          + "); read them with a client that can reach that location");
    }
    ObjectNode out = MlflowJson.object();
    out.put("root_uri", artifactUri);
    ArrayNode files = out.putArray("files");
    for (ArtifactStore.ArtifactEntry e : artifacts.list(ArtifactPaths.join(base, relative))) {
      ObjectNode file = files.addObject();
      file.put("path", relative.isEmpty() ? baseName(e.path()) : relative + "/" + baseName(e.path()));
      file.put("is_dir", e.isDir());
      if (!e.isDir()) {
        file.put("file_size", e.size());
      }
    }
    return out;
  }

  // ---- parsing helpers

  private ObjectNode runResponse(Run run) {
    ObjectNode out = MlflowJson.object();
    ObjectNode rendered = MlflowJson.run(run);
    // only runs that produced logged models carry outputs: clients older than MLflow 3 know no such field
    List<RunOutput> produced = loggedModels == null ? List.of() : loggedModels.outputsOf(run.info().runId());
    if (!produced.isEmpty()) {
      ArrayNode outputs = rendered.putObject("outputs").putArray("model_outputs");
      for (RunOutput o : produced) {
        outputs.addObject().put("model_id", o.modelId()).put("step", o.step());
      }
    }
    out.set("run", rendered);
    return out;
  }

  /**
   * MLflow 3 clients log a run's metrics again with a {@code model_id} to link them to a logged model (and
   * {@code dataset_name}/{@code dataset_digest} for the data they were measured on); those points are also
   * recorded on the model, after the run's own write.
   */
  private void linkModelMetrics(String runId, List<RequestFields> metricFields) {
    if (loggedModels == null) {
      return;
    }
    List<ModelMetric> linked = new ArrayList<>();
    for (RequestFields m : metricFields) {
      String modelId = m.string("model_id");
      if (modelId != null && !modelId.isEmpty()) {
        Metric metric = metric(m);
        linked.add(new ModelMetric(modelId, metric.key(), metric.value(), metric.timestamp(), metric.step(), runId,
            m.string("dataset_name"), m.string("dataset_digest")));
      }
    }
    loggedModels.logMetrics(linked);
  }

  private static String runId(RequestFields f) {
    return f.requiredString("run_id", "run_uuid");
  }

  private static String requiredKey(RequestFields f) {
    String key = f.requiredString("key");
    if (key.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'key'");
    }
    return key;
  }

  private static Metric metric(RequestFields f) {
    return new Metric(requiredKey(f), f.requiredDouble("value"), f.requiredLong("timestamp"),
        f.longValue("step") == null ? 0L : f.longValue("step"));
  }

  private static Tag tag(RequestFields f) {
    return new Tag(requiredKey(f), f.string("value"));
  }

  private static List<Tag> tags(RequestFields f, String field) {
    List<Tag> out = new ArrayList<>();
    for (RequestFields t : f.objects(field)) {
      out.add(tag(t));
    }
    return out;
  }

  /** Accepts the enum name or its proto number (ACTIVE_ONLY=1, DELETED_ONLY=2, ALL=3). */
  static ViewType viewType(RequestFields f, String field) {
    String s = f.string(field);
    if (s == null || s.isEmpty()) {
      return ViewType.ACTIVE_ONLY;
    }
    switch (s.toUpperCase(Locale.ROOT)) {
      case "ACTIVE_ONLY":
      case "1":
        return ViewType.ACTIVE_ONLY;
      case "DELETED_ONLY":
      case "2":
        return ViewType.DELETED_ONLY;
      case "ALL":
      case "3":
        return ViewType.ALL;
      default:
        throw CairnException.invalid("Invalid value '" + s + "' for parameter '" + field
            + "': expected ACTIVE_ONLY, DELETED_ONLY or ALL");
    }
  }

  /** Accepts the status name or its proto number (RUNNING=1 .. KILLED=5). */
  static RunStatus runStatus(String s) {
    String upper = s.toUpperCase(Locale.ROOT);
    RunStatus[] byNumber = {RunStatus.RUNNING, RunStatus.SCHEDULED, RunStatus.FINISHED, RunStatus.FAILED,
        RunStatus.KILLED};
    if (upper.length() == 1 && upper.charAt(0) >= '1' && upper.charAt(0) <= '5') {
      return byNumber[upper.charAt(0) - '1'];
    }
    try {
      return RunStatus.valueOf(upper);
    } catch (IllegalArgumentException e) {
      throw CairnException.invalid("Invalid value '" + s + "' for parameter 'status': expected one of "
          + "RUNNING, SCHEDULED, FINISHED, FAILED, KILLED");
    }
  }

  private static String baseName(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
