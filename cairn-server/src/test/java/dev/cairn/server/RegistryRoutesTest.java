package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.server.registry.RegistryRoutes;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.sql.SqlDatabase;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every registry route over real HTTP, under both MLflow prefixes, with MLflow's JSON and error codes. */
class RegistryRoutesTest {
  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestServer.Reply patch(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  private TestServer.Reply delete(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json").method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static JsonNode ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static void error(TestServer.Reply r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/"})
  void everyRouteAnswersMlflowJson(String p) {
    JsonNode created = ok(server.post(p + "registered-models/create",
        "{\"name\":\"churn\",\"description\":\"d\",\"tags\":[{\"key\":\"team\",\"value\":\"growth\"}]}"));
    assertThat(created.at("/registered_model/name").asText()).isEqualTo("churn");
    assertThat(created.at("/registered_model/tags/0/key").asText()).isEqualTo("team");
    assertThat(created.at("/registered_model/creation_timestamp").isIntegralNumber()).isTrue();

    JsonNode v1 = ok(server.post(p + "model-versions/create",
        "{\"name\":\"churn\",\"source\":\"s3://bucket/m1\",\"run_id\":\"r1\",\"tags\":[{\"key\":\"q\",\"value\":\"1\"}],"
            + "\"description\":\"first\"}")).get("model_version");
    assertThat(v1.get("version").asText()).isEqualTo("1");
    assertThat(v1.get("version").isTextual()).isTrue();
    assertThat(v1.get("current_stage").asText()).isEqualTo("None");
    assertThat(v1.get("status").asText()).isEqualTo("READY");
    ok(server.post(p + "model-versions/create", "{\"name\":\"churn\",\"source\":\"s3://bucket/m2\"}"));

    assertThat(ok(server.get(p + "registered-models/get?name=churn")).at("/registered_model/latest_versions/0/version")
        .asText()).isEqualTo("2");
    assertThat(ok(server.get(p + "model-versions/get?name=churn&version=1")).at("/model_version/description").asText())
        .isEqualTo("first");
    assertThat(ok(patch(p + "model-versions/update", "{\"name\":\"churn\",\"version\":\"1\",\"description\":\"new\"}"))
        .at("/model_version/description").asText()).isEqualTo("new");
    assertThat(ok(patch(p + "registered-models/update", "{\"name\":\"churn\",\"description\":\"md\"}"))
        .at("/registered_model/description").asText()).isEqualTo("md");

    ok(server.post(p + "registered-models/alias", "{\"name\":\"churn\",\"alias\":\"champion\",\"version\":\"1\"}"));
    assertThat(ok(server.get(p + "registered-models/alias?name=churn&alias=champion")).at("/model_version/version")
        .asText()).isEqualTo("1");
    JsonNode model = ok(server.get(p + "registered-models/get?name=churn")).get("registered_model");
    assertThat(model.at("/aliases/0/alias").asText()).isEqualTo("champion");
    assertThat(model.at("/aliases/0/version").asText()).isEqualTo("1");
    assertThat(ok(server.get(p + "model-versions/get?name=churn&version=1")).at("/model_version/aliases/0").asText())
        .isEqualTo("champion");

    ok(server.post(p + "registered-models/set-tag", "{\"name\":\"churn\",\"key\":\"k\",\"value\":\"v\"}"));
    ok(server.post(p + "model-versions/set-tag", "{\"name\":\"churn\",\"version\":\"2\",\"key\":\"k2\",\"value\":\"v2\"}"));
    assertThat(ok(server.get(p + "model-versions/search?filter=" + q("tags.k2 = 'v2'"))).at("/model_versions/0/version")
        .asText()).isEqualTo("2");
    assertThat(ok(server.get(p + "registered-models/search?filter=" + q("tags.k = 'v'") + "&max_results=5"))
        .at("/registered_models/0/name").asText()).isEqualTo("churn");
    ok(delete(p + "registered-models/delete-tag", "{\"name\":\"churn\",\"key\":\"k\"}"));
    ok(delete(p + "model-versions/delete-tag", "{\"name\":\"churn\",\"version\":\"2\",\"key\":\"k2\"}"));
    assertThat(ok(server.get(p + "registered-models/search?filter=" + q("tags.k = 'v'"))).get("registered_models"))
        .isEmpty();

    JsonNode staged = ok(server.post(p + "model-versions/transition-stage",
        "{\"name\":\"churn\",\"version\":\"1\",\"stage\":\"production\",\"archive_existing_versions\":true}"));
    assertThat(staged.at("/model_version/current_stage").asText()).isEqualTo("Production");
    assertThat(ok(server.post(p + "registered-models/get-latest-versions",
        "{\"name\":\"churn\",\"stages\":[\"Production\"]}")).at("/model_versions/0/version").asText()).isEqualTo("1");
    assertThat(ok(server.get(p + "registered-models/get-latest-versions?name=churn&stages=None"))
        .at("/model_versions/0/version").asText()).isEqualTo("2");

    assertThat(ok(server.get(p + "model-versions/get-download-uri?name=churn&version=2")).get("artifact_uri").asText())
        .isEqualTo("s3://bucket/m2");

    ok(delete(p + "registered-models/alias", "{\"name\":\"churn\",\"alias\":\"champion\"}"));
    error(server.get(p + "registered-models/alias?name=churn&alias=champion"), 404, "RESOURCE_DOES_NOT_EXIST");

    assertThat(ok(server.post(p + "registered-models/rename", "{\"name\":\"churn\",\"new_name\":\"churn2\"}"))
        .at("/registered_model/name").asText()).isEqualTo("churn2");
    ok(delete(p + "model-versions/delete", "{\"name\":\"churn2\",\"version\":\"2\"}"));
    error(server.get(p + "model-versions/get?name=churn2&version=2"), 404, "RESOURCE_DOES_NOT_EXIST");
    ok(delete(p + "registered-models/delete", "{\"name\":\"churn2\"}"));
    error(server.get(p + "registered-models/get?name=churn2"), 404, "RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void everyListedEndpointIsServedAndNoneIsMissing() {
    List<RegistryRoutes.Endpoint> endpoints = RegistryRoutes.endpoints();
    assertThat(endpoints).hasSize(22 * 2 + 3);
    for (RegistryRoutes.Endpoint e : endpoints) {
      TestServer.Reply r = server.send(HttpRequest.newBuilder(URI.create(server.url(e.path())))
          .method(e.method(), e.method().equals("GET") ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString("{}")));
      // served: a search and the public key answer, anything else misses a field (the handler's 400), never ENDPOINT_NOT_FOUND
      if (e.path().endsWith("/search") || e.path().equals(RegistryRoutes.PUBLIC_KEY_PATH)) {
        assertThat(r.status()).as(e + " " + r).isEqualTo(200);
      } else {
        assertThat(r.status()).as(e + " " + r).isEqualTo(400);
        assertThat(r.errorCode()).as(e + " " + r).isEqualTo("INVALID_PARAMETER_VALUE");
      }
    }
  }

  @Test
  void deleteReadsTheQueryStringWhenTheBodyIsEmpty() {
    ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"q\"}"));
    ok(server.delete("/api/2.0/mlflow/registered-models/delete?name=q"));
    error(server.get("/api/2.0/mlflow/registered-models/get?name=q"), 404, "RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void badInputIsAClearClientErrorAndChangesNothing() {
    String p = "/api/2.0/mlflow/";
    error(server.get(p + "registered-models/get?name=nope"), 404, "RESOURCE_DOES_NOT_EXIST");
    error(server.post(p + "model-versions/create", "{\"name\":\"nope\",\"source\":\"s3://x\"}"), 404,
        "RESOURCE_DOES_NOT_EXIST");
    ok(server.post(p + "registered-models/create", "{\"name\":\"m\"}"));
    error(server.post(p + "registered-models/create", "{\"name\":\"m\",\"description\":\"x\"}"), 400,
        "RESOURCE_ALREADY_EXISTS");
    error(server.post(p + "registered-models/create", "{}"), 400, "INVALID_PARAMETER_VALUE");
    error(server.post(p + "model-versions/create", "{\"name\":\"m\"}"), 400, "INVALID_PARAMETER_VALUE");
    ok(server.post(p + "model-versions/create", "{\"name\":\"m\",\"source\":\"s3://x\"}"));
    error(server.get(p + "model-versions/get?name=m&version=9"), 404, "RESOURCE_DOES_NOT_EXIST");
    error(server.get(p + "model-versions/get?name=m&version=abc"), 400, "INVALID_PARAMETER_VALUE");
    for (String reserved : List.of("latest", "Latest", "v1", "V22")) {
      TestServer.Reply r = server.post(p + "registered-models/alias",
          "{\"name\":\"m\",\"alias\":\"" + reserved + "\",\"version\":\"1\"}");
      error(r, 400, "INVALID_PARAMETER_VALUE");
      assertThat(r.json().get("message").asText()).contains("reserved");
    }
    error(server.post(p + "registered-models/alias", "{\"name\":\"m\",\"alias\":\"a\",\"version\":\"7\"}"), 404,
        "RESOURCE_DOES_NOT_EXIST");
    assertThat(ok(server.get(p + "registered-models/get?name=m")).at("/registered_model/aliases")).isEmpty();
    error(server.post(p + "model-versions/transition-stage", "{\"name\":\"m\",\"version\":\"1\",\"stage\":\"Prod\"}"),
        400, "INVALID_PARAMETER_VALUE");
    error(server.post(p + "model-versions/transition-stage",
        "{\"name\":\"m\",\"version\":\"1\",\"stage\":\"Archived\",\"archive_existing_versions\":true}"), 400,
        "INVALID_PARAMETER_VALUE");
    assertThat(ok(server.get(p + "model-versions/get?name=m&version=1")).at("/model_version/current_stage").asText())
        .isEqualTo("None");
    error(server.get(p + "registered-models/search?filter=" + q("name = ")), 400, "INVALID_PARAMETER_VALUE");
    error(server.get(p + "registered-models/search?max_results=1001"), 400, "INVALID_PARAMETER_VALUE");
    error(server.get(p + "model-versions/search?page_token=garbage"), 400, "INVALID_PARAMETER_VALUE");
  }

  @Test
  void searchFiltersAreParametersNotSql() {
    String p = "/api/2.0/mlflow/";
    ok(server.post(p + "registered-models/create", "{\"name\":\"keep\"}"));
    for (String filter : List.of("name = \"x' OR '1'='1\"", "name = \"'; DROP TABLE registered_models; --\"",
        "tags.`k'); DELETE FROM registered_models; --` = 'v'")) {
      assertThat(ok(server.get(p + "registered-models/search?filter=" + q(filter))).get("registered_models"))
          .as(filter).isEmpty();
    }
    assertThat(ok(server.get(p + "registered-models/get?name=keep")).at("/registered_model/name").asText())
        .isEqualTo("keep");
  }

  @Test
  void runsSourcesDownloadFromTheRunsArtifactsAndUrisResolve() {
    String p = "/api/2.0/mlflow/";
    String run = server.createRun(server.createExperiment("e"));
    String artifactUri = ok(server.get(p + "runs/get?run_id=" + run)).at("/run/info/artifact_uri").asText();
    ok(server.post(p + "registered-models/create", "{\"name\":\"m\"}"));
    ok(server.post(p + "model-versions/create",
        "{\"name\":\"m\",\"source\":\"runs:/" + run + "/model\",\"run_id\":\"" + run + "\"}"));
    ok(server.post(p + "registered-models/alias", "{\"name\":\"m\",\"alias\":\"champion\",\"version\":\"1\"}"));
    assertThat(ok(server.get(p + "model-versions/get-download-uri?name=m&version=1")).get("artifact_uri").asText())
        .isEqualTo(artifactUri + "/model");

    for (String uri : List.of("models:/m/1", "models:/m@champion", "models:/m/latest")) {
      JsonNode r = ok(server.get(RegistryRoutes.RESOLVE_PATH + "?uri=" + q(uri)));
      assertThat(r.get("name").asText()).isEqualTo("m");
      assertThat(r.get("version").asText()).isEqualTo("1");
      assertThat(r.get("source").asText()).isEqualTo("runs:/" + run + "/model");
      assertThat(r.get("download_uri").asText()).isEqualTo(artifactUri + "/model");
      assertThat(r.get("run_id").asText()).isEqualTo(run);
    }
    JsonNode byRun = ok(server.get(RegistryRoutes.RESOLVE_PATH + "?uri=" + q("runs:/" + run + "/model/data")));
    assertThat(byRun.get("download_uri").asText()).isEqualTo(artifactUri + "/model/data");
    assertThat(byRun.get("run_id").asText()).isEqualTo(run);

    for (String bad : List.of("models:/m", "model:/m/1", "models:/m/x1", "runs:/", "")) {
      TestServer.Reply r = server.get(RegistryRoutes.RESOLVE_PATH + "?uri=" + q(bad));
      error(r, 400, "INVALID_PARAMETER_VALUE");
      assertThat(r.json().get("message").asText()).contains("models:/NAME/VERSION", "models:/NAME@ALIAS");
    }
    error(server.get(RegistryRoutes.RESOLVE_PATH + "?uri=" + q("models:/m@nobody")), 404, "RESOURCE_DOES_NOT_EXIST");
    error(server.get(RegistryRoutes.RESOLVE_PATH + "?uri=" + q("models:/ghost/1")), 404, "RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void aVersionOfALoggedModelDownloadsFromWhereTheResolverSays() {
    server.close();
    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("lm.db"),
        List.of(ModelRegistryStore.MIGRATIONS));
    MetadataStore metadata = MetadataStores.open(db, ArtifactLocations.PROXY_ROOT);
    ModelRegistryStore registry = ModelRegistryStore.on(db);
    CairnServer custom = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "unused", "unused"), metadata,
        ArtifactStores.open("file:" + dir.resolve("lm-artifacts"), Map.of()),
        List.of((routes, m, a) -> RegistryRoutes.register(routes, registry, m,
            id -> id.equals("m-abc") ? Optional.of("mlflow-artifacts:/0/models/m-abc/artifacts") : Optional.empty())));
    try (TestServer lm = TestServer.wrap(custom, dir)) {
      String p = "/api/2.0/mlflow/";
      ok(lm.post(p + "registered-models/create", "{\"name\":\"m\"}"));
      ok(lm.post(p + "model-versions/create", "{\"name\":\"m\",\"source\":\"models:/m-abc\",\"model_id\":\"m-abc\"}"));
      ok(lm.post(p + "model-versions/create", "{\"name\":\"m\",\"source\":\"s3://b/x\",\"model_id\":\"m-unknown\"}"));
      assertThat(ok(lm.get(p + "model-versions/get?name=m&version=1")).at("/model_version/model_id").asText())
          .isEqualTo("m-abc");
      assertThat(ok(lm.get(p + "model-versions/get-download-uri?name=m&version=1")).get("artifact_uri").asText())
          .isEqualTo("mlflow-artifacts:/0/models/m-abc/artifacts");
      assertThat(ok(lm.get(p + "model-versions/get-download-uri?name=m&version=2")).get("artifact_uri").asText())
          .isEqualTo("s3://b/x");
    }
    server = TestServer.start(dir.resolve("again"));
  }
}
