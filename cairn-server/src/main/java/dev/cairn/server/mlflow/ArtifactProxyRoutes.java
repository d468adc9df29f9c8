package dev.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * MLflow's artifact proxy ({@code mlflow server --serve-artifacts}): clients upload and download through
 * the server, which keeps the blobs in its {@link ArtifactStore}; {@code mlflow-artifacts:/x} names store
 * path {@code x}. Bodies stream: uploads are never held in memory and no JSON size limit applies to them.
 */
public final class ArtifactProxyRoutes {
  public static final List<String> PREFIXES = List.of("/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/");
  static final int MAX_PARTS = 10_000;

  /** One endpoint: method, path below the prefix ("<path>" captures the artifact path) and handler. */
  record Route(String method, String path, Handler handler) {}

  private final ArtifactStore artifacts;
  /** The server's own base URL (e.g. http://127.0.0.1:5000), known once it listens. */
  private final Supplier<String> servedUrl;

  private ArtifactProxyRoutes(ArtifactStore artifacts, Supplier<String> servedUrl) {
    this.servedUrl = servedUrl;
    this.artifacts = artifacts;
  }

  List<Route> routes(String prefix) {
    return List.of(
        new Route("GET", "artifacts", this::list),
        new Route("PUT", "artifacts/<path>", ctx -> upload(ctx, pathAfter(ctx, prefix + "artifacts/"))),
        new Route("GET", "artifacts/<path>", ctx -> download(ctx, pathAfter(ctx, prefix + "artifacts/"))),
        new Route("DELETE", "artifacts/<path>", ctx -> delete(ctx, pathAfter(ctx, prefix + "artifacts/"))),
        new Route("POST", "mpu/create/<path>", ctx -> createUpload(ctx, prefix, pathAfter(ctx, prefix + "mpu/create/"))),
        new Route("PUT", "mpu/upload/<path>", ctx -> uploadPart(ctx, pathAfter(ctx, prefix + "mpu/upload/"))),
        new Route("POST", "mpu/complete/<path>", ctx -> completeUpload(ctx, pathAfter(ctx, prefix + "mpu/complete/"))),
        new Route("POST", "mpu/abort/<path>", ctx -> abortUpload(ctx, pathAfter(ctx, prefix + "mpu/abort/"))));
  }

  /**
   * @param servedUrl the base URL the server listens on; multipart part URLs are built on it, never on the
   *     request's Host header, which any client can set to send other clients' parts elsewhere
   */
  public static void register(RoutesConfig config, ArtifactStore artifacts, Supplier<String> servedUrl) {
    ArtifactProxyRoutes proxy = new ArtifactProxyRoutes(artifacts, servedUrl);
    for (String prefix : PREFIXES) {
      for (Route r : proxy.routes(prefix)) {
        String path = prefix + r.path();
        switch (r.method()) {
          case "GET" -> config.get(path, r.handler());
          case "PUT" -> config.put(path, r.handler());
          case "POST" -> config.post(path, r.handler());
          case "DELETE" -> config.delete(path, r.handler());
          default -> throw new IllegalStateException("unknown method " + r.method());
        }
      }
    }
  }

  private void list(Context ctx) {
    String path = outsideReserved(ArtifactPaths.normalize(ctx.queryParam("path")));
    ObjectNode out = MlflowJson.object();
    ArrayNode files = out.putArray("files");
    for (ArtifactStore.ArtifactEntry e : artifacts.list(path)) {
      String name = e.path();
      if (path.isEmpty() && isReserved(name)) {
        continue;
      }
      ObjectNode file = files.addObject();
      file.put("path", name.substring(name.lastIndexOf('/') + 1));
      file.put("is_dir", e.isDir());
      if (!e.isDir()) {
        file.put("file_size", e.size());
      }
    }
    Responses.json(ctx, 200, out);
  }

  private void upload(Context ctx, String path) throws Exception {
    requireFile(path);
    artifacts.put(path, ctx.req().getInputStream());
    Responses.json(ctx, 200, MlflowJson.object());
  }

  private void download(Context ctx, String path) throws Exception {
    requireFile(path);
    ArtifactStore.StoredBlob blob = artifacts.stat(path);
    if (blob == null) {
      throw ArtifactStore.missing(path);
    }
    try (InputStream in = artifacts.open(path)) {
      String type = URLConnection.guessContentTypeFromName(path);
      ctx.status(200);
      ctx.contentType(type == null ? "application/octet-stream" : type);
      if (blob.size() >= 0) {
        ctx.res().setContentLengthLong(blob.size());
      }
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
      out.flush();
    }
  }

  private void delete(Context ctx, String path) {
    requireFile(path);
    artifacts.delete(path);
    Responses.json(ctx, 200, MlflowJson.object());
  }

  private void createUpload(Context ctx, String prefix, String path) throws Exception {
    requireFile(path);
    RequestFields f = RequestFields.ofJsonBody(ctx.req().getInputStream());
    int numParts = f.intValue("num_parts", 1, 1, MAX_PARTS);
    String uploadId = artifacts.createMultipartUpload(path);
    ObjectNode out = MlflowJson.object();
    out.put("upload_id", uploadId);
    ArrayNode credentials = out.putArray("credentials");
    String served = servedUrl.get();
    if (served == null) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE, "the server is still starting; retry");
    }
    String base = served + prefix + "mpu/upload/" + encodePath(path)
        + "?upload_id=" + URLEncoder.encode(uploadId, StandardCharsets.UTF_8) + "&part_number=";
    for (int part = 1; part <= numParts; part++) {
      ObjectNode c = credentials.addObject();
      c.put("part_number", part);
      c.put("url", base + part);
      c.putObject("headers");
    }
    Responses.json(ctx, 200, out);
  }

  private void uploadPart(Context ctx, String path) throws Exception {
    requireFile(path);
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    String uploadId = q.requiredString("upload_id");
    int partNumber = (int) q.requiredLong("part_number");
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw CairnException.invalid("part_number " + partNumber + " is out of range; parts are numbered 1 to " + MAX_PARTS);
    }
    String etag = artifacts.uploadPart(path, uploadId, partNumber, ctx.req().getInputStream());
    ctx.header("ETag", etag);
    Responses.json(ctx, 200, MlflowJson.object().put("etag", etag));
  }

  private void completeUpload(Context ctx, String path) throws Exception {
    requireFile(path);
    RequestFields f = RequestFields.ofJsonBody(ctx.req().getInputStream());
    String uploadId = f.requiredString("upload_id");
    List<ArtifactStore.CompletedPart> parts = new ArrayList<>();
    for (RequestFields p : f.objects("parts")) {
      parts.add(new ArtifactStore.CompletedPart((int) p.requiredLong("part_number"), p.requiredString("etag")));
    }
    if (parts.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter 'parts'");
    }
    artifacts.completeMultipartUpload(path, uploadId, parts);
    Responses.json(ctx, 200, MlflowJson.object());
  }

  private void abortUpload(Context ctx, String path) throws Exception {
    requireFile(path);
    RequestFields f = RequestFields.ofJsonBody(ctx.req().getInputStream());
    artifacts.abortMultipartUpload(path, f.requiredString("upload_id"));
    Responses.json(ctx, 200, MlflowJson.object());
  }

  /**
   * The artifact path from the raw request URI: checked while still encoded (so "%2F" or "%2e%2e" cannot
   * hide a traversal), then percent-decoded and checked again.
   */
  static String pathAfter(Context ctx, String prefix) {
    String raw = ctx.req().getRequestURI();
    int at = raw.indexOf(prefix);
    String encoded = at < 0 ? ctx.pathParam("path") : raw.substring(at + prefix.length());
    ArtifactPaths.normalize(encoded);
    return outsideReserved(ArtifactPaths.normalize(percentDecode(encoded)));
  }

  /** The artifact store's top folder that dataset blobs and manifests live in; the proxy never serves it. */
  static final String RESERVED_TOP = DatasetVersioning.BLOB_PREFIX.substring(0, DatasetVersioning.BLOB_PREFIX.indexOf('/'));

  private static boolean isReserved(String normalized) {
    return normalized.equals(RESERVED_TOP) || normalized.startsWith(RESERVED_TOP + "/");
  }

  /**
   * Dataset blobs share the artifact store but not the proxy's namespace: through the proxy any client could
   * overwrite or delete the files every dataset version points at.
   */
  static String outsideReserved(String normalized) {
    if (isReserved(normalized)) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "artifact path '" + normalized + "' is in '"
          + RESERVED_TOP + "/', reserved for dataset files; read datasets through /api/cairn/v1/datasets");
    }
    return normalized;
  }

  private static void requireFile(String path) {
    if (path.isEmpty()) {
      throw CairnException.invalid("artifact path is empty; name a file below the artifact root");
    }
  }

  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw CairnException.invalid("artifact path '" + s + "' has a malformed percent-escape at " + i);
        }
        out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String encodePath(String path) {
    StringBuilder sb = new StringBuilder();
    for (String segment : path.split("/")) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return sb.toString();
  }
}
