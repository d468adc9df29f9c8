package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsRoutesTest {
  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthIsOkWhenBothStoresAndTheBackgroundLoopsAreUp() {
    TestServer.Reply r = server.get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("status").asText()).isEqualTo("ok");
    List<String> names = new ArrayList<>();
    r.json().get("components").forEach(c -> names.add(c.get("component").asText() + " " + c.get("status").asText()));
    assertThat(names).containsExactly("metadata-store ok", "artifact-store ok", "canaries ok", "alert-evaluator ok",
        "monitor-scheduler ok");
  }

  @Test
  void versionIsTheBuildVersion() {
    TestServer.Reply r = server.get("/version");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void metricsCountRequestsPerRouteInPrometheusText() {
    server.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
    TestServer.Reply r = server.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    assertThat(r.text()).contains("http_server_requests_seconds_count{")
        .contains("route=\"/api/2.0/mlflow/experiments/get\"");
  }

  @Test
  void theDefaultExperimentExists() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/experiment/name").asText()).isEqualTo("Default");
  }

  @Test
  void aServerGivenOpenStoresRefusesANonLoopbackHostForItCannotAuthenticate() {
    CairnServer.ServerConfig config = new CairnServer.ServerConfig("0.0.0.0", 0,
        "sqlite:" + dir.resolve("never.db"), "file:" + dir.resolve("never"));
    assertThatThrownBy(() -> CairnServer.start(config, null, null))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("authentication")
        .hasMessageContaining("127.0.0.1");
    assertThat(dir.resolve("never.db")).doesNotExist();
  }

  @Test
  void ipv6LoopbackIsLoopbackAndAnyAddressIsNot() {
    assertThat(CairnServer.isLoopback("::1")).isTrue();
    assertThat(CairnServer.isLoopback("localhost")).isTrue();
    assertThat(CairnServer.isLoopback("0.0.0.0")).isFalse();
  }

  @Test
  void startsOnAFreshDataDirectoryAndReportsReady() {
    long start = System.nanoTime();
    try (TestServer second = TestServer.start(dir.resolve("second"))) {
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(second.get("/health").status()).isEqualTo(200);
      System.out.println("second server ready in " + millis + " ms");
    }
  }

  @Test
  void routeModulesAreServedWithTheSameErrorRendering() throws Exception {
    CairnServer.RouteModule ping = (routes, metadata, artifacts) -> {
      routes.get("/api/cairn/v1/ping", ctx -> ctx.result("pong"));
      routes.get("/api/cairn/v1/missing", ctx -> {
        throw CairnException.notFound("nothing called 'missing'");
      });
    };
    Path moduleDir = dir.resolve("module");
    java.nio.file.Files.createDirectories(moduleDir);
    try (CairnServer s = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0,
        "sqlite:" + moduleDir.resolve("c.db"), "file:" + moduleDir.resolve("a")), java.util.List.of(ping))) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.http.HttpResponse<String> ok = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(s.url() + "/api/cairn/v1/ping")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(ok.body()).isEqualTo("pong");
      java.net.http.HttpResponse<String> missing = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(s.url() + "/api/cairn/v1/missing")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("\"error_code\":\"RESOURCE_DOES_NOT_EXIST\"");
    }
  }
}
