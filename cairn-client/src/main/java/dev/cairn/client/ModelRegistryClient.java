package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelStage;
import dev.cairn.registry.ModelUri;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.ModelVersionStatus;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.tracking.Page;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model registry of a Cairn (or MLflow) server: registered models, their versions and aliases, and
 * {@code models:/} URIs resolved and downloaded. Get one from {@link CairnClient#models()}. Errors are
 * {@link CairnException}s with the server's code: an unknown model, version or alias is
 * {@link ErrorCode#RESOURCE_DOES_NOT_EXIST}, a taken name {@link ErrorCode#RESOURCE_ALREADY_EXISTS}, a reserved
 * alias ({@code latest}, {@code v<digits>}) {@link ErrorCode#INVALID_PARAMETER_VALUE}. Thread-safe.
 */
public final class ModelRegistryClient {
  static final String RESOLVE = "/api/cairn/v1/models/resolve";

  private final Http http;
  private final ArtifactTransfer artifacts;

  ModelRegistryClient(Http http, ArtifactTransfer artifacts) {
    this.http = http;
    this.artifacts = artifacts;
  }

  /**
   * Where a model URI points: the version it names ({@code name} and {@code version} null for a {@code runs:/} URI),
   * its source as registered, and the location its files download from.
   */
  public record Resolved(String name, Integer version, String source, String downloadUri, String runId) {}

  /** Creates a registered model with no versions. */
  public RegisteredModel createModel(String name) {
    return createModel(name, null, Map.of());
  }

  /** Creates a registered model with a description (may be null) and tags. */
  public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
    ObjectNode body = Wire.object().put("name", name);
    Wire.putIfPresent(body, "description", description);
    body.set("tags", tagArray(tags));
    return model(http.post(CairnClient.API + "registered-models/create", body).path("registered_model"));
  }

  public RegisteredModel getModel(String name) {
    return model(http.get(CairnClient.API + "registered-models/get", Map.of("name", name)).path("registered_model"));
  }

  /**
   * Registered models matching an MLflow filter ({@code name LIKE 'churn%'}, {@code tags.team = 'growth'}; null for
   * all), by name; {@code maxResults} 0 for the server's default page, {@code pageToken} from the previous page.
   */
  public Page<RegisteredModel> searchModels(String filter, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("filter", filter);
    query.put("max_results", maxResults > 0 ? Integer.toString(maxResults) : null);
    query.put("page_token", pageToken);
    JsonNode r = http.get(CairnClient.API + "registered-models/search", query);
    List<RegisteredModel> items = new ArrayList<>();
    r.path("registered_models").forEach(m -> items.add(model(m)));
    return new Page<>(items, nextToken(r));
  }

  /** Registers a new version of {@code name} whose files are at {@code source}; {@code runId} may be null. */
  public ModelVersion createVersion(String name, String source, String runId) {
    ObjectNode body = Wire.object().put("name", name).put("source", source);
    Wire.putIfPresent(body, "run_id", runId);
    return version(http.post(CairnClient.API + "model-versions/create", body).path("model_version"));
  }

  /** Registers the run's artifact folder {@code path} (e.g. "model") as a new version: source {@code runs:/RUN/path}. */
  public ModelVersion registerRunArtifacts(String name, String runId, String path) {
    String relative = ArtifactTransfer.normalise(path);
    return createVersion(name, "runs:/" + runId + (relative.isEmpty() ? "" : "/" + relative), runId);
  }

  public ModelVersion getVersion(String name, int version) {
    return version(http.get(CairnClient.API + "model-versions/get",
        Map.of("name", name, "version", Integer.toString(version))).path("model_version"));
  }

  /**
   * Versions matching an MLflow filter ({@code name = 'churn'}, {@code run_id IN ('a','b')}, {@code tags.k = 'v'},
   * {@code version_number > 2}; null for all), by name then newest version first.
   */
  public Page<ModelVersion> searchVersions(String filter, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("filter", filter);
    query.put("max_results", maxResults > 0 ? Integer.toString(maxResults) : null);
    query.put("page_token", pageToken);
    JsonNode r = http.get(CairnClient.API + "model-versions/search", query);
    List<ModelVersion> items = new ArrayList<>();
    r.path("model_versions").forEach(v -> items.add(version(v)));
    return new Page<>(items, nextToken(r));
  }

  /** Points {@code alias} of model {@code name} at {@code version}, moving it from any version that held it. */
  public void setAlias(String name, String alias, int version) {
    http.post(CairnClient.API + "registered-models/alias",
        Wire.object().put("name", name).put("alias", alias).put("version", Integer.toString(version)));
  }

  /** Removes an alias; removing one that is not set is no error. */
  public void deleteAlias(String name, String alias) {
    byte[] body;
    try {
      body = Http.READER.writeValueAsBytes(Wire.object().put("name", name).put("alias", alias));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise request body", e);
    }
    http.sendJson(HttpRequest.newBuilder(http.uri(CairnClient.API + "registered-models/alias", Map.of()))
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public ModelVersion getVersionByAlias(String name, String alias) {
    return version(http.get(CairnClient.API + "registered-models/alias", Map.of("name", name, "alias", alias))
        .path("model_version"));
  }

  /**
   * Resolves {@code models:/NAME/3}, {@code models:/NAME@alias}, {@code models:/NAME/latest} or
   * {@code runs:/RUN_ID/path}; a malformed URI fails before any request, naming the expected forms.
   */
  public Resolved resolve(String uri) {
    ModelUri.parse(uri);
    JsonNode r = http.get(RESOLVE, Map.of("uri", uri));
    return new Resolved(text(r, "name"), r.hasNonNull("version") ? Integer.valueOf(r.get("version").asText()) : null,
        text(r, "source"), text(r, "download_uri"), text(r, "run_id"));
  }

  /**
   * Downloads the files a model URI names into {@code destDir} (the contents of the version's folder, or its one
   * file) and returns {@code destDir}. Only locations the server's artifact proxy serves ({@code mlflow-artifacts:})
   * can be downloaded through it; others fail with INVALID_STATE naming the location.
   */
  public Path download(String uri, Path destDir) {
    return download(uri, destDir, CairnClient.Progress.NONE);
  }

  /** As {@link #download(String, Path)}, reporting bytes received per file. */
  public Path download(String uri, Path destDir, CairnClient.Progress progress) {
    Resolved resolved = resolve(uri);
    String location = resolved.downloadUri();
    if (location == null || !location.startsWith("mlflow-artifacts:")) {
      throw new CairnException(ErrorCode.INVALID_STATE, uri + " is stored at " + location
          + ", which the server's artifact proxy does not serve; fetch it from there directly");
    }
    String rest = location.substring("mlflow-artifacts:".length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    String root = ArtifactTransfer.normalise(rest);
    List<ArtifactFile> children = artifacts.list(root, "");
    if (children.isEmpty()) { // one file, or nothing: the proxy answers a missing file with 404
      int slash = root.lastIndexOf('/');
      artifacts.download(slash < 0 ? "" : root.substring(0, slash), root.substring(slash + 1), destDir, progress);
      return destDir;
    }
    for (ArtifactFile child : children) {
      artifacts.download(root, child.path(), destDir, progress);
    }
    return destDir;
  }

  // ---------------------------------------------------------------- wire

  private static ArrayNode tagArray(Map<String, String> tags) {
    ArrayNode a = Wire.object().arrayNode();
    (tags == null ? Map.<String, String>of() : tags).forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    return a;
  }

  static RegisteredModel model(JsonNode n) {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    n.path("aliases").forEach(a -> aliases.put(a.path("alias").asText(), Integer.valueOf(a.path("version").asText())));
    List<ModelVersion> latest = new ArrayList<>();
    n.path("latest_versions").forEach(v -> latest.add(version(v)));
    return new RegisteredModel(n.path("name").asText(), n.path("creation_timestamp").asLong(),
        n.path("last_updated_timestamp").asLong(), text(n, "description"), tags(n.path("tags")), aliases, latest);
  }

  static ModelVersion version(JsonNode n) {
    List<String> aliases = new ArrayList<>();
    n.path("aliases").forEach(a -> aliases.add(a.asText()));
    String status = n.path("status").asText("READY");
    return new ModelVersion(n.path("name").asText(), Integer.parseInt(n.path("version").asText()),
        n.path("creation_timestamp").asLong(), n.path("last_updated_timestamp").asLong(), text(n, "user_id"),
        ModelStage.parse(n.path("current_stage").asText("None")), text(n, "description"), n.path("source").asText(""),
        text(n, "run_id"), text(n, "run_link"), ModelVersionStatus.valueOf(status), text(n, "status_message"),
        tags(n.path("tags")), aliases, text(n, "model_id"));
  }

  private static Map<String, String> tags(JsonNode array) {
    Map<String, String> tags = new LinkedHashMap<>();
    array.forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText("")));
    return tags;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String nextToken(JsonNode r) {
    String token = r.path("next_page_token").asText("");
    return token.isEmpty() ? null : token;
  }
}
