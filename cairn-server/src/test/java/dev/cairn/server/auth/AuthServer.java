package dev.cairn.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A real server with authentication on (loopback, --auth), SQLite and files in a temp dir, and an HTTP client. */
final class AuthServer implements AutoCloseable {
  final CairnServer server;
  final Path dir;
  final String adminToken;
  private final Client client;

  private AuthServer(CairnServer server, Path dir, boolean readToken) {
    this.server = server;
    this.dir = dir;
    this.client = new Client(server.url());
    try {
      this.adminToken = readToken ? Files.readString(dir.resolve("admin-token")).strip() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server on a data folder whose admin already exists (no token file is written). */
  static AuthServer startWithoutToken(Path dir) {
    return new AuthServer(CairnServer.start(config(dir)), dir, false);
  }

  private static CairnServer.ServerConfig config(Path dir) {
    return new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts"), Map.of(), true, dir.resolve("admin-token").toString());
  }

  static AuthServer start(Path dir) {
    return start(dir, List.of());
  }

  static AuthServer start(Path dir, List<CairnServer.RouteModule> modules) {
    return new AuthServer(CairnServer.start(config(dir), modules), dir, true);
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  static String basic(String user, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  Reply send(String method, String path, String body, String authorization) {
    return client.send(method, path, body, authorization);
  }

  /** An HTTP client for any server. */
  static final class Client {
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    Client(String url) {
      this.url = url;
    }

    Reply get(String path, String authorization) {
      return send("GET", path, null, authorization);
    }

  Reply send(String method, String path, String body, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
  }

  Reply get(String path, String authorization) {
    return send("GET", path, null, authorization);
  }

  Reply post(String path, String body, String authorization) {
    return send("POST", path, body, authorization);
  }

  /** As admin: creates a user with a global role (or none if null) and returns a fresh token's secret. */
  String userWithToken(String name, String role) {
    String body = role == null ? "{\"name\":\"" + name + "\"}" : "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}";
    Reply created = post("/api/cairn/v1/users", body, bearer(adminToken));
    if (created.status() != 200) {
      throw new AssertionError("create user: " + created);
    }
    Reply token = post("/api/cairn/v1/tokens", "{\"user\":\"" + name + "\",\"name\":\"test\"}", bearer(adminToken));
    if (token.status() != 200) {
      throw new AssertionError("create token: " + token);
    }
    return token.json().get("secret").asText();
  }

  @Override
  public void close() {
    server.close();
  }

  record Reply(int status, byte[] body, Map<String, List<String>> headers) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
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

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return status + " " + text();
    }
  }
}
