package dev.cairn.server.datasets;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.data.drift.DriftOptions;
import dev.cairn.data.drift.DriftReport;
import dev.cairn.data.version.AddResult;
import dev.cairn.data.version.DatasetBlobs;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetSummary;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.Manifest;
import dev.cairn.data.version.ManifestEntry;
import dev.cairn.server.http.RequestFields;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.server.http.Responses;
import dev.cairn.tracking.Page;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cairn REST for dataset versions, all routes in one place:
 * <pre>
 * GET  /api/cairn/v1/datasets                                    names with their newest version
 * GET  /api/cairn/v1/datasets/{name}/versions                    versions, newest first (max_results, page_token)
 * POST /api/cairn/v1/datasets/{name}/versions                    new version from a manifest whose blobs are stored
 * GET  /api/cairn/v1/datasets/{name}/versions/{version}          one version (number or "latest"): manifest, schema, profile
 * GET  /api/cairn/v1/datasets/{name}/versions/{version}/manifest the manifest's canonical bytes (sha256 = content_sha256)
 * POST /api/cairn/v1/datasets/{name}/versions/{version}/run-inputs  log the version as an MLflow dataset input of
 *                                                                {"run_id", "context"}
 * GET  /api/cairn/v1/datasets/drift?reference=A@1&amp;current=A@2    drift report per shared table
 * PUT  /api/cairn/v1/datasets/blobs/{sha256}                     upload one file's bytes, checked against the hash
 * GET  /api/cairn/v1/datasets/blobs/{sha256}                     download them
 * POST /api/cairn/v1/datasets/blobs/missing                      which of {"sha256": [...]} are not stored yet
 * </pre>
 * Writes go through here while a server owns the database, so no other process opens it. Errors are
 * CairnExceptions, rendered by the server as {@code {"error_code", "message"}}.
 */
public final class DatasetRoutes {
  public static final String PREFIX = "/api/cairn/v1/datasets";
  /** The largest manifest (JSON) a create-version request may carry: about 300,000 files. */
  public static final int MAX_MANIFEST_BYTES = 64 << 20;
  /** The most hashes one missing-blobs question may ask about. */
  public static final int MAX_HASHES_PER_QUESTION = 10_000;

  private final DatasetVersioning versioning;
  private final DatasetBlobs blobs;
  private final MetadataStore tracking;

  private DatasetRoutes(DatasetVersioning versioning, DatasetBlobs blobs, MetadataStore tracking) {
    this.versioning = versioning;
    this.blobs = blobs;
    this.tracking = tracking;
  }

  public static void register(JavalinDefaultRoutingApi routes, DatasetVersioning versioning, DatasetBlobs blobs,
      MetadataStore tracking) {
    DatasetRoutes r = new DatasetRoutes(versioning, blobs, tracking);
    routes.get(PREFIX, r::listDatasets);
    // dataset routes before blob routes: a dataset named "blobs" keeps its versions listing
    routes.get(PREFIX + "/{name}/versions", r::listVersions);
    routes.post(PREFIX + "/{name}/versions", r::createVersion);
    routes.get(PREFIX + "/{name}/versions/{version}", r::getVersion);
    routes.get(PREFIX + "/{name}/versions/{version}/manifest", r::getManifest);
    routes.post(PREFIX + "/{name}/versions/{version}/run-inputs", r::logRunInput);
    routes.get(PREFIX + "/drift", r::drift);
    routes.put(PREFIX + "/blobs/{sha256}", r::putBlob);
    routes.get(PREFIX + "/blobs/{sha256}", r::getBlob);
    routes.post(PREFIX + "/blobs/missing", r::missingBlobs);
  }

  void putBlob(Context ctx) throws IOException {
    DatasetBlobs.Received r = blobs.receive(ctx.pathParam("sha256"), ctx.req().getInputStream(),
        ctx.req().getContentLengthLong());
    Responses.json(ctx, 200, JsonNodeFactory.instance.objectNode()
        .put("sha256", r.sha256()).put("size", r.size()).put("created", r.isNew()));
  }

  void getBlob(Context ctx) throws IOException {
    String sha = ctx.pathParam("sha256");
    long size = blobs.stat(sha).size();
    try (InputStream in = blobs.open(sha)) {
      ctx.status(200).contentType("application/octet-stream");
      if (size >= 0) {
        ctx.res().setContentLengthLong(size);
      }
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
      out.flush();
    }
  }

  void missingBlobs(Context ctx) throws IOException {
    JsonNode body = readJson(ctx, RequestFields.MAX_JSON_BYTES);
    JsonNode hashes = body.path("sha256");
    if (!hashes.isArray()) {
      throw CairnException.invalid("field 'sha256' must be an array of sha256 hex strings");
    }
    if (hashes.size() > MAX_HASHES_PER_QUESTION) {
      throw CairnException.invalid("field 'sha256' has " + hashes.size() + " hashes; the limit is "
          + MAX_HASHES_PER_QUESTION + " per request");
    }
    List<String> asked = new ArrayList<>();
    for (JsonNode h : hashes) {
      if (!h.isTextual()) {
        throw CairnException.invalid("field 'sha256' must hold strings, got " + h);
      }
      asked.add(h.asText());
    }
    ArrayNode missing = JsonNodeFactory.instance.arrayNode();
    blobs.missing(asked).forEach(missing::add);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("missing", missing);
    Responses.json(ctx, 200, out);
  }

  void createVersion(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    JsonNode body = readJson(ctx, MAX_MANIFEST_BYTES);
    JsonNode files = body.path("files");
    if (!files.isArray()) {
      throw CairnException.invalid("field 'files' must be an array of {\"path\", \"size\", \"sha256\"}");
    }
    List<ManifestEntry> entries = new ArrayList<>(files.size());
    for (JsonNode f : files) {
      if (!f.path("path").isTextual() || !f.path("size").canConvertToLong() || !f.path("sha256").isTextual()) {
        throw CairnException.invalid("field 'files' entry " + entries.size() + " must have a text 'path', a whole"
            + " number 'size' and a text 'sha256'");
      }
      entries.add(new ManifestEntry(f.get("path").asText(), f.get("size").asLong(), f.get("sha256").asText()));
    }
    Map<String, String> tags = new LinkedHashMap<>();
    JsonNode tagNode = body.path("tags");
    if (!tagNode.isMissingNode() && !tagNode.isNull()) {
      if (!tagNode.isObject()) {
        throw CairnException.invalid("field 'tags' must be an object of text values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = tagNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> t = it.next();
        if (!t.getValue().isTextual()) {
          throw CairnException.invalid("field 'tags' value of '" + t.getKey() + "' must be text");
        }
        tags.put(t.getKey(), t.getValue().asText());
      }
    }
    AddResult r = versioning.commit(name, new Manifest(entries), optionalText(body, "message"),
        optionalText(body, "author"), tags);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("version", versionJson(r.version()));
    out.put("created", r.isNew());
    Responses.json(ctx, 200, out);
  }

  void getManifest(Context ctx) {
    DatasetVersion v = versioning.show(DatasetRef.parse(ctx.pathParam("name") + "@" + ctx.pathParam("version")));
    byte[] bytes = versioning.readManifest(v).canonicalBytes();
    ctx.status(200).contentType(Responses.JSON).header("X-Content-Sha256", v.manifestSha256()).result(bytes);
  }

  void logRunInput(Context ctx) throws IOException {
    DatasetVersion v = versioning.show(DatasetRef.parse(ctx.pathParam("name") + "@" + ctx.pathParam("version")));
    JsonNode body = readJson(ctx, RequestFields.MAX_JSON_BYTES);
    String runId = optionalText(body, "run_id");
    if (runId == null || runId.isBlank()) {
      throw CairnException.invalid("field 'run_id' is required: the run that used " + v.ref());
    }
    DatasetInput input = v.toRunInput(optionalText(body, "context"));
    tracking.logInputs(runId, List.of(input));
    Responses.json(ctx, 200, JsonNodeFactory.instance.objectNode().put("run_id", runId).put("name", input.name())
        .put("digest", input.digest()).put("source", input.source()));
  }

  void drift(Context ctx) throws IOException {
    String reference = requiredQuery(ctx, "reference");
    String current = requiredQuery(ctx, "current");
    Map<String, DriftReport> reports = versioning.drift(DatasetRef.parse(reference), DatasetRef.parse(current),
        DriftOptions.DEFAULT);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("reference", versioning.show(DatasetRef.parse(reference)).ref().toString());
    out.put("current", versioning.show(DatasetRef.parse(current)).ref().toString());
    boolean any = false;
    ObjectNode tables = out.putObject("tables");
    for (Map.Entry<String, DriftReport> e : reports.entrySet()) {
      tables.set(e.getKey(), Json.MAPPER.readTree(e.getValue().toJson()));
      any |= e.getValue().datasetDrift();
    }
    out.put("drift", any);
    Responses.json(ctx, 200, out);
  }

  private static String requiredQuery(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      throw CairnException.invalid("query parameter '" + name + "' is required, e.g. " + name + "=churn@1");
    }
    return value;
  }

  private static String optionalText(JsonNode body, String field) {
    JsonNode n = body.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw CairnException.invalid("field '" + field + "' must be text");
    }
    return n.asText();
  }

  /** A JSON object body of at most {@code limit} bytes; past it, 413 naming the limit. */
  private static JsonNode readJson(Context ctx, int limit) throws IOException {
    byte[] bytes = ctx.req().getInputStream().readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw new CairnException(ErrorCode.REQUEST_TOO_LARGE, "request body is larger than " + limit
          + " bytes, the limit for " + ctx.method().name() + " " + ctx.path());
    }
    JsonNode root;
    try {
      root = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw CairnException.invalid("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw CairnException.invalid("request body must be a JSON object");
    }
    return root;
  }

  void listDatasets(Context ctx) {
    ArrayNode items = JsonNodeFactory.instance.arrayNode();
    for (DatasetSummary s : versioning.store().datasets()) {
      items.addObject()
          .put("name", s.name())
          .put("latest_version", s.latestVersion())
          .put("creation_time", s.creationTime())
          .put("last_update_time", s.lastUpdateTime())
          .put("latest_content_sha256", s.latestManifestSha256())
          .put("latest_total_size", s.latestTotalSize())
          .put("latest_file_count", s.latestFileCount());
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("datasets", items);
    Responses.json(ctx, 200, body);
  }

  void listVersions(Context ctx) {
    Page<DatasetVersion> page = versioning.log(ctx.pathParam("name"), maxResults(ctx.queryParam("max_results")),
        ctx.queryParam("page_token"));
    ArrayNode items = JsonNodeFactory.instance.arrayNode();
    page.items().forEach(v -> items.add(versionJson(v)));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("versions", items);
    if (page.nextPageToken() != null) {
      body.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, body);
  }

  void getVersion(Context ctx) {
    String name = ctx.pathParam("name");
    DatasetVersion v = versioning.show(DatasetRef.parse(name + "@" + ctx.pathParam("version")));
    Manifest manifest = versioning.readManifest(v);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("version", versionJson(v));
    ArrayNode files = body.putObject("manifest").put("content_sha256", v.manifestSha256()).putArray("files");
    for (ManifestEntry e : manifest.files()) {
      files.addObject().put("path", e.path()).put("size", e.size()).put("sha256", e.sha256());
    }
    body.set("schema", parse(v.schemaJson()));
    body.set("profile", parse(v.profileJson()));
    Responses.json(ctx, 200, body);
  }

  static ObjectNode versionJson(DatasetVersion v) {
    ObjectNode o = JsonNodeFactory.instance.objectNode()
        .put("id", v.id())
        .put("name", v.name())
        .put("version", v.version())
        .put("author", v.author())
        .put("message", v.message())
        .put("created_time", v.createdTime())
        .put("total_size", v.totalSize())
        .put("file_count", v.fileCount())
        .put("content_sha256", v.manifestSha256())
        .put("storage_uri", v.storageUri());
    if (v.parentVersion() != null) {
      o.put("parent_version", v.parentVersion());
    }
    if (v.rowCount() != null) {
      o.put("row_count", v.rowCount());
    }
    ObjectNode tags = o.putObject("tags");
    for (Map.Entry<String, String> t : v.tags().entrySet()) {
      tags.put(t.getKey(), t.getValue());
    }
    return o;
  }

  static int maxResults(String text) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw CairnException.invalid("max_results '" + text + "' is not a whole number from 1 to 1000");
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "stored dataset JSON cannot be read", e);
    }
  }
}
