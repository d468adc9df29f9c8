package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/** A real server on 127.0.0.1:0 with SQLite and file artifacts in a temp dir, plus a small HTTP client. */
final class TestServer implements AutoCloseable {
  final CairnServer server;
  final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestServer(CairnServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  static TestServer start(Path dir) {
    return start(dir, "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts"), Map.of());
  }

  static TestServer start(Path dir, String backendUri, String artifactsUri, Map<String, String> artifactOptions) {
    CairnServer server = CairnServer.start(
        new CairnServer.ServerConfig("127.0.0.1", 0, backendUri, artifactsUri, artifactOptions));
    return new TestServer(server, dir);
  }

  /** A server already started (e.g. with extra route modules). */
  static TestServer wrap(CairnServer server, Path dir) {
    return new TestServer(server, dir);
  }

  String url(String path) {
    return server.url() + path;
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
  }

  Reply post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(url(path)))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply put(String path, byte[] body) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  Reply put(String path, HttpRequest.BodyPublisher body) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).PUT(body));
  }

  Reply delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).DELETE());
  }

  Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""),
          r.headers().firstValue("ETag").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates an experiment and returns its id. */
  String createExperiment(String name) {
    Reply r = post("/api/2.0/mlflow/experiments/create", "{\"name\":\"" + name + "\"}");
    if (r.status() != 200) {
      throw new AssertionError("create experiment: " + r);
    }
    return r.json().get("experiment_id").asText();
  }

  /** Creates a run in the experiment and returns its id. */
  String createRun(String experimentId) {
    Reply r = post("/api/2.0/mlflow/runs/create",
        "{\"experiment_id\":\"" + experimentId + "\",\"start_time\":1000,\"user_id\":\"ada\"}");
    if (r.status() != 200) {
      throw new AssertionError("create run: " + r);
    }
    return r.json().at("/run/info/run_id").asText();
  }

  @Override
  public void close() {
    server.close();
  }

  record Reply(int status, byte[] body, String contentType, String etag) {
    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + text(), e);
      }
    }

    String errorCode() {
      return json().path("error_code").asText();
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }
}
