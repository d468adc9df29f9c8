package dev.cairn.client;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The JSON-over-HTTP transport of the SDK: one place that turns a server's MLflow error JSON back into a
 * {@link CairnException} with the matching {@link ErrorCode}, and network failures into TEMPORARILY_UNAVAILABLE.
 */
final class Http {
  /** Accepts NaN and Infinity as bare tokens too, since MLflow's Python server writes them that way. */
  static final ObjectMapper READER = Json.MAPPER.copy()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());

  /** JSON calls are small; a server silent this long is treated as unavailable. Artifact streams have no limit. */
  static final Duration JSON_TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient client;
  private volatile boolean closed;
  private final String baseUrl;
  /** The Authorization header every request carries, or null. */
  private final String authorization;

  Http(String baseUrl) {
    this(baseUrl, Credentials.NONE);
  }

  Http(String baseUrl, Credentials credentials) {
    this.baseUrl = stripTrailingSlash(baseUrl);
    this.authorization = credentials.authorization();
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (this.baseUrl.startsWith("http:")) { // TLS only after a redirect: load providers and trust then, if ever
      builder.sslContext(new LazyTlsContext(LazyTrust::sslContext)).sslParameters(LazyTlsContext.defaultParameters());
    }
    this.client = builder.build();
  }

  String baseUrl() {
    return baseUrl;
  }

  /**
   * Stops the HTTP client's selector thread. While it waits in the kernel for network events, a JVM that
   * exits waits up to 0.3 s for it (the JVM lets threads running native code finish before it exits), which
   * is half of a short CLI command. Java 21 and later shut the client down through its own API; on Java 17
   * this reaches into the client's internals when the JVM allows it ({@code --add-opens
   * java.net.http/jdk.internal.net.http=ALL-UNNAMED}, which the {@code cairn} launcher passes) and otherwise
   * does nothing: the exit is then slower, never wrong. Requests after this fail.
   */
  void close() {
    closed = true;
    try {
      HttpClient.class.getMethod("shutdownNow").invoke(client); // Java 21+
      HttpClient.class.getMethod("awaitTermination", Duration.class).invoke(client, Duration.ofSeconds(1));
      return;
    } catch (NoSuchMethodException e) {
      // Java 17 to 20: below
    } catch (ReflectiveOperationException | RuntimeException e) {
      return;
    }
    try {
      Object impl = field(client, "impl");
      if (field(impl, "selmgr") instanceof Thread selector) {
        java.lang.reflect.Method shutdown = selector.getClass().getDeclaredMethod("shutdown");
        shutdown.setAccessible(true);
        shutdown.invoke(selector);
        selector.join(1000);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not opened to us: the JVM's exit waits a little longer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }

  HttpClient client() {
    return client;
  }

  JsonNode get(String apiPath, Map<String, String> query) {
    return sendJson(HttpRequest.newBuilder(uri(apiPath, query)).timeout(JSON_TIMEOUT).GET());
  }

  JsonNode post(String apiPath, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = Http.READER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise request body", e);
    }
    return sendJson(HttpRequest.newBuilder(uri(apiPath, Map.of()))
        .timeout(JSON_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  /** A JSON call with another method than GET or POST (MLflow 3's PATCH and DELETE routes); body may be null. */
  JsonNode send(String method, String apiPath, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : Http.READER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise request body", e);
    }
    return sendJson(HttpRequest.newBuilder(uri(apiPath, Map.of()))
        .timeout(JSON_TIMEOUT)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  URI uri(String apiPath, Map<String, String> query) {
    StringJoiner q = new StringJoiner("&", "?", "");
    q.setEmptyValue("");
    query.forEach((k, v) -> {
      if (v != null) {
        q.add(encode(k) + "=" + encode(v));
      }
    });
    return URI.create(baseUrl + apiPath + q);
  }

  /** Sends a request whose success body is JSON (or empty) and returns it as a tree. */
  JsonNode sendJson(HttpRequest.Builder request) {
    HttpResponse<byte[]> response = send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = response.body();
    if (response.statusCode() / 100 != 2) {
      throw errorFrom(response.statusCode(), body, response.request());
    }
    if (body.length == 0) {
      return READER.createObjectNode();
    }
    try {
      return READER.readTree(body);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR,
          "response of " + response.request().method() + " " + response.request().uri().getPath()
              + " is not JSON: " + e.getMessage());
    }
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    if (closed) { // a shut-down JDK client would wait forever for an answer
      throw new CairnException(ErrorCode.INVALID_STATE, "this CairnClient is closed; connect a new one");
    }
    if (authorization != null && request.headers().firstValue("Authorization").isEmpty()) {
      request = HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", authorization).build();
    }
    try {
      return client.send(request, handler);
    } catch (ConnectException e) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE,
          "cannot reach the tracking server at " + baseUrl + " (connection refused); is it running?", e);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE,
          "request " + request.method() + " " + request.uri().getPath() + " to " + baseUrl + " failed: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.TEMPORARILY_UNAVAILABLE,
          "interrupted while calling " + request.uri().getPath(), e);
    }
  }

  /** Reads an error response streamed as InputStream (downloads) and raises it. */
  static CairnException errorFrom(HttpResponse<InputStream> response) {
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(64 * 1024);
    } catch (IOException e) {
      body = new byte[0];
    }
    return errorFrom(response.statusCode(), body, response.request());
  }

  static CairnException errorFrom(int status, byte[] body, HttpRequest request) {
    String where = request.method() + " " + request.uri().getPath();
    try {
      JsonNode json = READER.readTree(body);
      if (json != null && json.hasNonNull("error_code")) {
        ErrorCode code = codeOf(json.get("error_code").asText(), status);
        String message = json.path("message").asText("");
        return new CairnException(code, message.isEmpty() ? json.get("error_code").asText() + " from " + where : message);
      }
    } catch (IOException ignored) {
      // not JSON: fall through to the status line
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new CairnException(codeOf(null, status),
        "HTTP " + status + " from " + where + (text.isEmpty() ? "" : ": " + text));
  }

  /**
   * MLflow's error_code back to ours; where two codes share a string, the HTTP status decides. 429 and 502-504
   * are decided by the status alone, whatever the body says: a proxy whose server is down, or a server that is
   * stopping, may label them INTERNAL_ERROR, and callers must be able to wait them out rather than fail.
   */
  static ErrorCode codeOf(String mlflowCode, int status) {
    if (status == 502 || status == 503 || status == 504) {
      return ErrorCode.TEMPORARILY_UNAVAILABLE;
    }
    if (status == 429) {
      return ErrorCode.TOO_MANY_REQUESTS;
    }
    ErrorCode byStatusOnly = null;
    for (ErrorCode c : ErrorCode.values()) {
      if (c.mlflowCode().equals(mlflowCode) && c.httpStatus() == status) {
        return c;
      }
    }
    for (ErrorCode c : ErrorCode.values()) {
      if (c.mlflowCode().equals(mlflowCode)) {
        return c;
      }
      if (byStatusOnly == null && c.httpStatus() == status) {
        byStatusOnly = c;
      }
    }
    if (byStatusOnly != null) {
      return byStatusOnly;
    }
    return status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String stripTrailingSlash(String s) {
    String out = s.strip();
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
