package dev.cairn.server.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.server.http.Responses;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRoutesTest {
  static final Path MIGRATION = Path.of("../cairn-store/src/main/resources/db/migration/V10__dataset_versions.sql");

  @TempDir Path tmp;
  DatasetVersionStore store;
  ArtifactStore artifacts;
  DatasetVersioning versioning;
  Javalin app;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws IOException {
    Path migrations = Files.createDirectories(tmp.resolve("migrations"));
    Files.copy(MIGRATION, migrations.resolve(MIGRATION.getFileName()));
    store = DatasetVersionStore.open("sqlite:" + tmp.resolve("cairn.db"), "filesystem:" + migrations);
    artifacts = ArtifactStores.open("file:" + tmp.resolve("artifacts"));
    versioning = new DatasetVersioning(store, artifacts, StatCache.inMemory(), TableProfiler.NONE);
    app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.exception(CairnException.class, (e, ctx) -> Responses.error(ctx, e.code(), e.getMessage()));
      DatasetRoutes.register(cfg.routes, versioning);
    }).start("127.0.0.1", 0);
  }

  @AfterEach
  void tearDown() {
    app.stop();
    store.close();
    artifacts.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  private void addVersions(String name, int count) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("data-" + name));
    for (int i = 1; i <= count; i++) {
      Files.writeString(dir.resolve("f.txt"), "content " + i);
      versioning.add(dir, name, "v" + i, "alice", Map.of("n", Integer.toString(i)));
    }
  }

  @Test
  void listsDatasetsWithTheirNewestVersion() throws Exception {
    addVersions("churn", 3);
    addVersions("clicks", 1);

    JsonNode body = json("/api/cairn/v1/datasets");

    assertThat(body.path("datasets")).hasSize(2);
    assertThat(body.path("datasets").get(0).path("name").asText()).isEqualTo("churn");
    assertThat(body.path("datasets").get(0).path("latest_version").asInt()).isEqualTo(3);
    assertThat(body.path("datasets").get(1).path("latest_version").asInt()).isEqualTo(1);
  }

  @Test
  void pagesVersionsNewestFirst() throws Exception {
    addVersions("churn", 5);

    JsonNode first = json("/api/cairn/v1/datasets/churn/versions?max_results=2");
    assertThat(first.path("versions").get(0).path("version").isInt()).isTrue();
    assertThat(first.path("versions").get(0).path("version").asInt()).isEqualTo(5);
    assertThat(first.path("versions").get(1).path("version").asInt()).isEqualTo(4);
    String token = first.path("next_page_token").asText();

    JsonNode last = json("/api/cairn/v1/datasets/churn/versions?max_results=3&page_token=" + token);
    assertThat(last.path("versions")).hasSize(3);
    assertThat(last.path("versions").get(2).path("version").asInt()).isEqualTo(1);
    assertThat(last.has("next_page_token")).isFalse();
    assertThat(last.path("versions").get(2).path("tags").path("n").asText()).isEqualTo("1");
  }

  @Test
  void showsOneVersionWithItsManifest() throws Exception {
    addVersions("churn", 2);

    JsonNode body = json("/api/cairn/v1/datasets/churn/versions/1");
    JsonNode latest = json("/api/cairn/v1/datasets/churn/versions/latest");

    assertThat(body.path("version").path("message").asText()).isEqualTo("v1");
    assertThat(body.path("manifest").path("files").get(0).path("path").asText()).isEqualTo("f.txt");
    assertThat(body.path("manifest").path("files").get(0).path("size").asLong()).isEqualTo(9);
    assertThat(body.path("schema").isNull()).isTrue();
    assertThat(latest.path("version").path("version").asInt()).isEqualTo(2);
    assertThat(latest.path("version").path("parent_version").asInt()).isEqualTo(1);
  }

  @Test
  void missingDatasetOrVersionIs404WithErrorCode() throws Exception {
    addVersions("churn", 1);

    HttpResponse<String> noDataset = get("/api/cairn/v1/datasets/nope/versions");
    HttpResponse<String> noVersion = get("/api/cairn/v1/datasets/churn/versions/4");
    HttpResponse<String> badVersion = get("/api/cairn/v1/datasets/churn/versions/x");
    HttpResponse<String> badPage = get("/api/cairn/v1/datasets/churn/versions?max_results=5000");

    assertThat(noDataset.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(noDataset.body()).path("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(noVersion.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(noVersion.body()).path("message").asText()).contains("no version 4");
    assertThat(badVersion.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(badVersion.body()).path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(badPage.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(badPage.body()).path("message").asText()).contains("limit is 1000");
  }
}
