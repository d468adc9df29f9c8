package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A real server on SQLite with dataset "sensors" in two versions, made through the dataset REST API as a client
 * would: version 2 shifts column x by three standard deviations, keeps score, brings a new kind ("green") and a
 * new column, and adds a text file.
 */
final class DatasetFixture implements AutoCloseable {
  static final String NAME = "sensors";
  static final String XSS = "<img src=x onerror=alert(1)>";
  static final int ROWS = 400;
  final CairnServer server;
  final HttpClient http = HttpClient.newHttpClient();

  DatasetFixture(Path dir) {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")));
    Random random = new Random(7);
    StringBuilder one = new StringBuilder("x,score,kind\n");
    StringBuilder two = new StringBuilder("x,score,kind,extra\n");
    for (int i = 0; i < ROWS; i++) {
      String kind = i % 2 == 0 ? "red" : "blue";
      one.append(random.nextGaussian()).append(',').append(i % 10).append(',').append(i == 0 ? XSS : kind).append('\n');
      two.append(random.nextGaussian() + 3).append(',').append(i % 10).append(',').append(i % 3 == 0 ? "green" : kind)
          .append(',').append(i).append('\n');
    }
    addVersion(NAME, Map.of("table.csv", one.toString()), "first readings " + XSS);
    Map<String, String> files = new LinkedHashMap<>();
    files.put("table.csv", two.toString());
    files.put("README.txt", "shifted sensors\n");
    addVersion(NAME, files, "shifted");
  }

  String url(String path) {
    return server.url() + path;
  }

  HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JSON answer of the dataset API. */
  JsonNode api(String path) {
    try {
      return Json.MAPPER.readTree(get("/api/cairn/v1/datasets" + path).body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Uploads the files (path to text) and records them as the next version of dataset {@code name}. */
  void addVersion(String name, Map<String, String> files, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("message", message).put("author", "ana");
    ArrayNode list = body.putArray("files");
    files.forEach((path, text) -> {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      send(HttpRequest.newBuilder(URI.create(url("/api/cairn/v1/datasets/blobs/" + Hashing.sha256Hex(bytes))))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
      list.addObject().put("path", path).put("size", bytes.length).put("sha256", Hashing.sha256Hex(bytes));
    });
    send(HttpRequest.newBuilder(URI.create(url("/api/cairn/v1/datasets/" + name + "/versions")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private void send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
