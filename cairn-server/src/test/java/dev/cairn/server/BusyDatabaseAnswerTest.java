package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database error that means "busy" answers 503 with Retry-After, never 500, even from a route whose store lets
 * the raw SQLite error escape. The lock is real: another connection holds the database's write lock.
 */
class BusyDatabaseAnswerTest {
  @TempDir Path dir;

  @Test
  void aBusyDatabaseAnswers503WithRetryAfter() throws Exception {
    String other = "jdbc:sqlite:" + dir.resolve("other.db");
    Properties noWait = new Properties();
    noWait.setProperty("busy_timeout", "0");
    CairnServer.RouteModule writesWithoutWaiting = (routes, metadata, artifacts) ->
        routes.post("/test/write", ctx -> {
          try (Connection c = DriverManager.getConnection(other, noWait); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (2)");
          }
          ctx.result("written");
        });
    try (Connection holder = DriverManager.getConnection(other); Statement h = holder.createStatement();
        CairnServer server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0,
            "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts")), List.of(writesWithoutWaiting))) {
      h.execute("PRAGMA journal_mode=WAL");
      h.execute("CREATE TABLE t (x INTEGER)");
      h.execute("BEGIN IMMEDIATE");
      h.execute("INSERT INTO t VALUES (1)");

      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server.url() + "/test/write")).POST(HttpRequest.BodyPublishers.noBody())
              .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).contains("1");
      assertThat(Json.MAPPER.readTree(r.body()).get("error_code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");

      h.execute("COMMIT");
      HttpResponse<String> after = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server.url() + "/test/write")).POST(HttpRequest.BodyPublishers.noBody())
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }
}
