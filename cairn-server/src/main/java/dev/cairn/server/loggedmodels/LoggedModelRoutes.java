package dev.cairn.server.loggedmodels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.server.mlflow.MlflowRoutes;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModel;
import dev.cairn.store.loggedmodels.LoggedModelSearch;
import dev.cairn.store.loggedmodels.LoggedModelStatus;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.loggedmodels.RunOutput;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.Tag;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * MLflow 3's logged-model API, every route in one list, served under {@code /api/2.0/mlflow/} and
 * {@code /ajax-api/2.0/mlflow/} with the method and path parameters of MLflow's service.proto; plus
 * {@code runs/log-model} (2.x clients' model history) and {@code runs/outputs} (MLflow 3 links a run to the
 * models it produced). Model artifacts travel through the artifact proxy to the model's own location.
 */
public final class LoggedModelRoutes {
  /** The run tag MLflow keeps a run's logged-model history in, as a JSON list of MLmodel dictionaries. */
  static final String LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history";
  static final Set<String> MODEL_JSON_REQUIRED = Set.of("artifact_path", "flavors", "utc_time_created", "run_id");
  /** Striped locks for the history tag's read-append-write: a fixed number, whatever the number of runs. */
  private static final Object[] HISTORY_LOCKS = new Object[64];

  static {
    for (int i = 0; i < HISTORY_LOCKS.length; i++) {
      HISTORY_LOCKS[i] = new Object();
    }
  }

  enum Method { GET, POST, PATCH, DELETE }

  /** One endpoint: method, path below the prefix, whether the UI-only ajax prefix alone serves it, the handler. */
  record Route(Method method, String path, boolean ajaxOnly, RouteHandler handler) {}

  @FunctionalInterface
  interface RouteHandler {
    void handle(Context ctx) throws Exception;
  }

  /** The logged-model routes as a module of the server; it also hands the store to the tracking routes. */
  public record Module(LoggedModelStore store) implements CairnServer.RouteModule {
    @Override
    public void register(RoutesConfig routes, MetadataStore metadata, ArtifactStore artifacts) {
      LoggedModelRoutes.register(routes, store, metadata, artifacts);
    }
  }

  /** The logged-model store a server's modules carry, or null when none serves logged models. */
  public static LoggedModelStore storeIn(List<? extends CairnServer.RouteModule> modules) {
    for (CairnServer.RouteModule module : modules) {
      if (module instanceof Module m) {
        return m.store();
      }
    }
    return null;
  }

  private final LoggedModelStore store;
  private final MetadataStore metadata;
  private final ArtifactStore artifacts;

  private LoggedModelRoutes(LoggedModelStore store, MetadataStore metadata, ArtifactStore artifacts) {
    this.store = store;
    this.metadata = metadata;
    this.artifacts = artifacts;
  }

  List<Route> routes() {
    return List.of(
        new Route(Method.POST, "logged-models", false, ctx -> json(ctx, create(body(ctx)))),
        new Route(Method.POST, "logged-models/search", false, ctx -> json(ctx, search(body(ctx)))),
        new Route(Method.GET, "logged-models/{model_id}", false, ctx -> json(ctx, model(store.get(id(ctx))))),
        new Route(Method.PATCH, "logged-models/{model_id}", false, ctx -> json(ctx, finalizeModel(id(ctx), body(ctx)))),
        new Route(Method.DELETE, "logged-models/{model_id}", false, ctx -> json(ctx, delete(id(ctx)))),
        new Route(Method.PATCH, "logged-models/{model_id}/tags", false, ctx -> json(ctx, setTags(id(ctx), body(ctx)))),
        new Route(Method.DELETE, "logged-models/{model_id}/tags/<tag_key>", false,
            ctx -> json(ctx, deleteTag(id(ctx), ctx.pathParam("tag_key")))),
        new Route(Method.POST, "logged-models/{model_id}/params", false, ctx -> json(ctx, logParams(id(ctx), body(ctx)))),
        new Route(Method.GET, "logged-models/{model_id}/artifacts/directories", false,
            ctx -> json(ctx, listArtifacts(id(ctx), ctx.queryParam("artifact_directory_path")))),
        new Route(Method.GET, "logged-models/{model_id}/artifacts/files", true,
            ctx -> download(ctx, id(ctx), ctx.queryParam("artifact_file_path"))),
        new Route(Method.POST, "runs/outputs", false, ctx -> json(ctx, logOutputs(body(ctx)))),
        new Route(Method.POST, "runs/log-model", false, ctx -> json(ctx, logModel(body(ctx)))));
  }

  /** Registers every route under both MLflow prefixes (the UI-only file download under the ajax one alone). */
  public static void register(RoutesConfig config, LoggedModelStore store, MetadataStore metadata,
      ArtifactStore artifacts) {
    LoggedModelRoutes routes = new LoggedModelRoutes(store, metadata, artifacts);
    for (Route route : routes.routes()) {
      for (String prefix : MlflowRoutes.PREFIXES) {
        if (route.ajaxOnly() && !prefix.startsWith("/ajax-api/")) {
          continue;
        }
        String path = prefix + route.path();
        switch (route.method()) {
          case GET -> config.get(path, route.handler()::handle);
          case POST -> config.post(path, route.handler()::handle);
          case PATCH -> config.patch(path, route.handler()::handle);
          case DELETE -> config.delete(path, route.handler()::handle);
        }
      }
    }
  }

  // ---------------------------------------------------------------- handlers

  private JsonNode create(RequestFields f) {
    LoggedModel m = store.create(new LoggedModelStore.NewLoggedModel(f.requiredString("experiment_id"),
        f.string("name"), f.string("model_type"), f.string("source_run_id"), keyValues(f, "tags"),
        keyValues(f, "params")));
    return model(m);
  }

  private JsonNode finalizeModel(String modelId, RequestFields f) {
    String status = f.string("status");
    if (status == null || status.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'status'");
    }
    return model(store.finalizeModel(modelId, LoggedModelStatus.parse(status)));
  }

  private JsonNode delete(String modelId) {
    store.delete(modelId);
    return LoggedModelJson.object();
  }

  private JsonNode setTags(String modelId, RequestFields f) {
    return model(store.setTags(modelId, keyValues(f, "tags")));
  }

  private JsonNode deleteTag(String modelId, String key) {
    store.deleteTag(modelId, key);
    return LoggedModelJson.object();
  }

  private JsonNode logParams(String modelId, RequestFields f) {
    store.logParams(modelId, keyValues(f, "params"));
    return LoggedModelJson.object();
  }

  private JsonNode search(RequestFields f) {
    List<LoggedModelSearch.DatasetFilter> datasets = new ArrayList<>();
    for (RequestFields d : f.objects("datasets")) {
      datasets.add(new LoggedModelSearch.DatasetFilter(d.string("dataset_name"), d.string("dataset_digest")));
    }
    Page<LoggedModel> page = store.search(new LoggedModelSearch(f.strings("experiment_ids"), f.string("filter"),
        datasets, orderBy(f), f.intValue("max_results", LoggedModelSearch.DEFAULT_MAX_RESULTS, 1,
            LoggedModelSearch.MAX_RESULTS_LIMIT), emptyToNull(f.string("page_token"))));
    ObjectNode out = LoggedModelJson.object();
    ArrayNode models = out.putArray("models");
    page.items().forEach(m -> models.add(LoggedModelJson.model(m)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    return out;
  }

  /** MLflow's clients send {@code {field_name, ascending, dataset_name, dataset_digest}}; "field [ASC|DESC]" also reads. */
  private static List<LoggedModelSearch.Order> orderBy(RequestFields f) {
    JsonNode raw = f.raw("order_by");
    List<LoggedModelSearch.Order> orders = new ArrayList<>();
    if (raw == null || raw.isNull()) {
      return orders;
    }
    if (raw.isArray() && raw.size() > 0 && raw.get(0).isTextual()) {
      for (String clause : f.strings("order_by")) {
        orders.add(new LoggedModelSearch.Order(clause, true, null, null));
      }
      return orders;
    }
    for (RequestFields o : f.objects("order_by")) {
      orders.add(new LoggedModelSearch.Order(o.string("field_name"), bool(o, "ascending", true),
          o.string("dataset_name"), o.string("dataset_digest")));
    }
    return orders;
  }

  private static boolean bool(RequestFields f, String name, boolean defaultValue) {
    JsonNode n = f.raw(name);
    if (n == null || n.isNull()) {
      return defaultValue;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual() && (n.textValue().equalsIgnoreCase("true") || n.textValue().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(n.textValue());
    }
    throw CairnException.invalid("Invalid value for parameter '" + name + "': expected true or false");
  }

  private JsonNode listArtifacts(String modelId, String directory) {
    LoggedModel m = store.get(modelId);
    String relative = ArtifactPaths.normalize(directory);
    String base = storePath(m);
    ObjectNode out = LoggedModelJson.object();
    out.put("root_uri", m.artifactLocation());
    ArrayNode files = out.putArray("files");
    for (ArtifactStore.ArtifactEntry e : artifacts.list(ArtifactPaths.join(base, relative))) {
      String name = e.path().substring(e.path().lastIndexOf('/') + 1);
      ObjectNode file = files.addObject();
      file.put("path", relative.isEmpty() ? name : relative + "/" + name);
      file.put("is_dir", e.isDir());
      if (!e.isDir()) {
        file.put("file_size", e.size());
      }
    }
    return out;
  }

  private void download(Context ctx, String modelId, String file) throws IOException {
    String relative = ArtifactPaths.normalize(file);
    if (relative.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'artifact_file_path'");
    }
    String path = ArtifactPaths.join(storePath(store.get(modelId)), relative);
    ArtifactStore.StoredBlob blob = artifacts.stat(path);
    if (blob == null) {
      throw CairnException.notFound("logged model " + modelId + " has no artifact '" + relative + "'");
    }
    try (InputStream in = artifacts.open(path)) {
      String type = URLConnection.guessContentTypeFromName(path);
      ctx.status(200).contentType(type == null ? "application/octet-stream" : type);
      ctx.res().setContentLengthLong(blob.size());
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
      out.flush();
    }
  }

  private String storePath(LoggedModel m) {
    String base = ArtifactLocations.storePath(m.artifactLocation(), artifacts.rootUri());
    if (base == null) {
      throw CairnException.invalid("logged model " + m.modelId() + " stores artifacts at '" + m.artifactLocation()
          + "', outside this server's artifact store (" + artifacts.rootUri()
          + "); read them with a client that can reach that location");
    }
    return base;
  }

  private JsonNode logOutputs(RequestFields f) {
    String runId = f.requiredString("run_id", "run_uuid");
    List<RunOutput> outputs = new ArrayList<>();
    for (RequestFields m : f.objects("models")) {
      Long step = m.longValue("step");
      outputs.add(new RunOutput(m.string("model_id"), step == null ? 0 : step));
    }
    store.logOutputs(runId, outputs);
    return LoggedModelJson.object();
  }

  /**
   * Appends the model's MLmodel dictionary to the run's {@value #LOG_MODEL_HISTORY_TAG} tag, as MLflow's
   * log-model does; the JSON must carry MLflow's mandatory fields and at least one flavor.
   */
  private JsonNode logModel(RequestFields f) {
    String runId = f.requiredString("run_id", "run_uuid");
    String modelJson = f.requiredString("model_json");
    JsonNode model;
    try {
      model = Json.MAPPER.readTree(modelJson);
    } catch (IOException e) {
      throw CairnException.invalid("Malformed model info. 'model_json' is not valid JSON: " + e.getMessage());
    }
    if (model == null || !model.isObject()) {
      throw CairnException.invalid("Malformed model info. 'model_json' must be a JSON object");
    }
    Set<String> missing = new TreeSet<>(MODEL_JSON_REQUIRED);
    model.fieldNames().forEachRemaining(missing::remove);
    if (!missing.isEmpty()) {
      throw CairnException.invalid("Model json is missing mandatory fields: " + missing);
    }
    JsonNode flavors = model.get("flavors");
    if (!flavors.isObject() || flavors.isEmpty()) {
      throw CairnException.invalid("Model must have at least one flavor; 'flavors' is " + flavors);
    }
    // read, append, write: one run's appends are serialised so concurrent calls each keep their model
    synchronized (HISTORY_LOCKS[Math.floorMod(runId.hashCode(), HISTORY_LOCKS.length)]) {
      appendToHistory(runId, model);
    }
    return LoggedModelJson.object();
  }

  private void appendToHistory(String runId, JsonNode model) {
    Run run = metadata.getRun(runId);
    ArrayNode history = Json.MAPPER.createArrayNode();
    for (Tag t : run.tags()) {
      if (t.key().equals(LOG_MODEL_HISTORY_TAG)) {
        try {
          JsonNode existing = Json.MAPPER.readTree(t.value());
          if (existing != null && existing.isArray()) {
            history.addAll((ArrayNode) existing);
          }
        } catch (IOException e) {
          // a hand-written tag that is not a JSON list is replaced by a well-formed history
        }
      }
    }
    history.add(model);
    metadata.logBatch(runId, List.of(), List.of(), List.of(new Tag(LOG_MODEL_HISTORY_TAG, history.toString())));
  }

  // ---------------------------------------------------------------- helpers

  private static RequestFields body(Context ctx) throws IOException {
    return RequestFields.ofJsonBody(ctx.req().getInputStream());
  }

  private static String id(Context ctx) {
    return ctx.pathParam("model_id");
  }

  private static ObjectNode model(LoggedModel m) {
    ObjectNode out = LoggedModelJson.object();
    out.set("model", LoggedModelJson.model(m));
    return out;
  }

  private static void json(Context ctx, JsonNode body) {
    Responses.json(ctx, 200, body);
  }

  /** A repeated {key, value} field as an ordered map; a key repeated in one request keeps its last value. */
  private static Map<String, String> keyValues(RequestFields f, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (RequestFields kv : f.objects(field)) {
      String key = kv.string("key");
      if (key == null || key.isEmpty()) {
        throw CairnException.invalid("Missing value for required parameter '" + field + "[].key'");
      }
      String value = kv.string("value");
      out.put(key, value == null ? "" : value);
    }
    return out;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
