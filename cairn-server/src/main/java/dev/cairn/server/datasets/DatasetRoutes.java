package dev.cairn.server.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetSummary;
import dev.cairn.data.version.DatasetVersion;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.Manifest;
import dev.cairn.data.version.ManifestEntry;
import dev.cairn.server.http.Responses;
import dev.cairn.tracking.Page;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.util.Map;

/**
 * Cairn REST for dataset versions (read side), all routes in one place:
 * <pre>
 * GET /api/cairn/v1/datasets                              names with their newest version
 * GET /api/cairn/v1/datasets/{name}/versions              versions, newest first (max_results, page_token)
 * GET /api/cairn/v1/datasets/{name}/versions/{version}    one version (number or "latest"): manifest, schema, profile
 * </pre>
 * Errors are CairnExceptions, rendered by the server as {@code {"error_code", "message"}}.
 */
public final class DatasetRoutes {
  public static final String PREFIX = "/api/cairn/v1/datasets";

  private final DatasetVersioning versioning;

  private DatasetRoutes(DatasetVersioning versioning) {
    this.versioning = versioning;
  }

  public static void register(JavalinDefaultRoutingApi routes, DatasetVersioning versioning) {
    DatasetRoutes r = new DatasetRoutes(versioning);
    routes.get(PREFIX, r::listDatasets);
    routes.get(PREFIX + "/{name}/versions", r::listVersions);
    routes.get(PREFIX + "/{name}/versions/{version}", r::getVersion);
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
