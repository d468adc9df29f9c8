package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.tracking.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow 3 logged models on a Cairn server, through the same REST calls an MLflow 3 client makes:
 *
 * <pre>{@code
 * LoggedModelsClient models = CairnClient.connect("http://127.0.0.1:5000").loggedModels();
 * LoggedModelInfo m = models.log(experimentId, "churn-model", runId, Path.of("build/model")); // create, upload, READY
 * models.download(m.modelId(), Path.of("work/model"));                                     // every file back
 * Page<LoggedModelInfo> ready = models.search(List.of(experimentId), "status = 'READY'", 50, null);
 * }</pre>
 *
 * <p>A model's artifacts go through the server's artifact proxy to the model's own location, where MLflow 3
 * clients find them when they load {@code models:/<model_id>}. Errors are {@link CairnException}s carrying the
 * server's message. Instances are thread-safe; get one from {@link CairnClient#loggedModels()}.
 */
public final class LoggedModelsClient {
  static final String API = "/api/2.0/mlflow/logged-models";

  private final Http http;
  private final ArtifactTransfer artifacts;

  LoggedModelsClient(Http http, ArtifactTransfer artifacts) {
    this.http = http;
    this.artifacts = artifacts;
  }

  /**
   * Creates a PENDING model in an experiment. {@code name} null lets the server choose one; {@code sourceRunId}
   * (may be null) names the run that produced it; params and tags may be empty.
   */
  public LoggedModelInfo create(String experimentId, String name, String sourceRunId, Map<String, String> params,
      Map<String, String> tags) {
    ObjectNode body = Http.READER.createObjectNode();
    body.put("experiment_id", experimentId);
    if (name != null) {
      body.put("name", name);
    }
    if (sourceRunId != null) {
      body.put("source_run_id", sourceRunId);
    }
    body.set("params", keyValues(params));
    body.set("tags", keyValues(tags));
    return parse(http.post(API, body).path("model"));
  }

  /** The model with this id; {@code RESOURCE_DOES_NOT_EXIST} when there is none (or it was deleted). */
  public LoggedModelInfo get(String modelId) {
    return parse(http.get(API + "/" + Http.encode(modelId), Map.of()).path("model"));
  }

  /** Marks the model READY (its files are all uploaded) or FAILED, as MLflow 3's finalize does. */
  public LoggedModelInfo finalizeModel(String modelId, LoggedModelInfo.Status status) {
    ObjectNode body = Http.READER.createObjectNode();
    body.put("model_id", modelId);
    body.put("status", status.wire());
    return parse(http.send("PATCH", API + "/" + Http.encode(modelId), body).path("model"));
  }

  /**
   * One page of the models in {@code experimentIds} that match {@code filter} (MLflow's grammar, e.g.
   * {@code "name = 'churn' AND metrics.auc > 0.8"}; null for all), newest first. Pass the page's
   * {@link Page#nextPageToken()} to get the next one.
   */
  public Page<LoggedModelInfo> search(List<String> experimentIds, String filter, int maxResults, String pageToken) {
    ObjectNode body = Http.READER.createObjectNode();
    ArrayNode ids = body.putArray("experiment_ids");
    experimentIds.forEach(ids::add);
    if (filter != null) {
      body.put("filter", filter);
    }
    if (maxResults > 0) {
      body.put("max_results", maxResults);
    }
    if (pageToken != null) {
      body.put("page_token", pageToken);
    }
    JsonNode r = http.post(API + "/search", body);
    List<LoggedModelInfo> models = new ArrayList<>();
    r.path("models").forEach(m -> models.add(parse(m)));
    String next = r.path("next_page_token").asText("");
    return new Page<>(models, next.isEmpty() ? null : next);
  }

  /**
   * Uploads every file under {@code localDir} (recursively, paths kept relative to it) to the model's artifact
   * location; returns the model-relative paths written.
   */
  public List<String> uploadArtifacts(String modelId, Path localDir) {
    return artifacts.uploadDirectory(root(get(modelId)), localDir, null, CairnClient.Progress.NONE);
  }

  /**
   * Logs a folder as a model the way MLflow 3's {@code log_model} does: creates the model, links it to
   * {@code sourceRunId}'s outputs (when given), uploads the folder and marks the model READY; if the upload
   * fails the model is marked FAILED and the error is rethrown.
   */
  public LoggedModelInfo log(String experimentId, String name, String sourceRunId, Path localDir) {
    if (!Files.isDirectory(localDir)) {
      throw CairnException.invalid("local directory '" + localDir + "' does not exist or is not a directory");
    }
    LoggedModelInfo model = create(experimentId, name, sourceRunId, Map.of(), Map.of());
    if (sourceRunId != null) {
      ObjectNode body = Http.READER.createObjectNode();
      body.put("run_id", sourceRunId);
      body.putArray("models").addObject().put("model_id", model.modelId()).put("step", 0);
      http.post("/api/2.0/mlflow/runs/outputs", body);
    }
    try {
      artifacts.uploadDirectory(root(model), localDir, null, CairnClient.Progress.NONE);
    } catch (RuntimeException e) {
      try {
        finalizeModel(model.modelId(), LoggedModelInfo.Status.FAILED);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return finalizeModel(model.modelId(), LoggedModelInfo.Status.READY);
  }

  /** Downloads every artifact of the model into {@code destDir} (created if missing); returns {@code destDir}. */
  public Path download(String modelId, Path destDir) {
    String root = root(get(modelId));
    for (ArtifactFile entry : artifacts.list(root, "")) {
      artifacts.download(root, entry.path(), destDir, CairnClient.Progress.NONE);
    }
    return destDir;
  }

  private static String root(LoggedModelInfo model) {
    String root = ArtifactTransfer.proxyRoot(model.artifactUri());
    if (root == null) {
      throw CairnException.invalid("logged model " + model.modelId() + " keeps its artifacts at '"
          + model.artifactUri() + "', outside the server's artifact proxy");
    }
    return root;
  }

  private static ArrayNode keyValues(Map<String, String> values) {
    ArrayNode a = Http.READER.createArrayNode();
    if (values != null) {
      values.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    }
    return a;
  }

  static LoggedModelInfo parse(JsonNode model) {
    JsonNode info = model.path("info");
    return new LoggedModelInfo(info.path("model_id").asText(), info.path("experiment_id").asText(),
        info.path("name").asText(), info.path("artifact_uri").asText(null),
        LoggedModelInfo.Status.fromWire(info.path("status").asText()), textOrNull(info, "source_run_id"),
        textOrNull(info, "model_type"), info.path("creation_timestamp_ms").asLong(),
        info.path("last_updated_timestamp_ms").asLong(), map(info.path("tags")), map(model.path("data").path("params")));
  }

  private static String textOrNull(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Map<String, String> map(JsonNode keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    keyValues.forEach(kv -> out.put(kv.path("key").asText(), kv.path("value").asText()));
    return out;
  }
}
