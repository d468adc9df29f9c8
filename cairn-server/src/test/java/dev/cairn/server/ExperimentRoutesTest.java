package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRoutesTest {
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
  void createThenGetReturnsTheExperimentWithAProxiedArtifactLocation() {
    String id = server.createExperiment("exp-get");
    TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + id);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode e = r.json().get("experiment");
    assertThat(e.get("experiment_id").asText()).isEqualTo(id);
    assertThat(e.get("name").asText()).isEqualTo("exp-get");
    assertThat(e.get("lifecycle_stage").asText()).isEqualTo("active");
    assertThat(e.get("artifact_location").asText()).isEqualTo("mlflow-artifacts:/" + id);
    assertThat(e.get("creation_time").isIntegralNumber()).isTrue();
  }

  @Test
  void routesAnswerUnderTheAjaxPrefixToo() {
    String id = server.createExperiment("exp-ajax");
    TestServer.Reply r = server.get("/ajax-api/2.0/mlflow/experiments/get?experiment_id=" + id);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().at("/experiment/name").asText()).isEqualTo("exp-ajax");
  }

  @Test
  void getByNameFindsTheExperiment() {
    String id = server.createExperiment("exp by name");
    TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=exp%20by%20name");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().at("/experiment/experiment_id").asText()).isEqualTo(id);
  }

  @Test
  void getOfAMissingExperimentIs404ResourceDoesNotExist() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/get?experiment_id=987654");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(r.json().get("message").asText()).isNotBlank();
  }

  @Test
  void getByNameOfAMissingExperimentIs404() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope-nope");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void duplicateNameIs400ResourceAlreadyExists() {
    server.createExperiment("exp-dup");
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"exp-dup\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
  }

  @Test
  void createWithoutNameIs400NamingTheField() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/create", "{\"artifact_location\":\"x\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("'name'");
  }

  @Test
  void createWithANameOfTheWrongTypeIs400NamingTheField() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/create", "{\"name\":{\"a\":1}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("'name'").contains("string");
  }

  @Test
  void unknownFieldsAreIgnoredAsMlflowDoes() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/create",
        "{\"name\":\"exp-unknown-field\",\"colour\":\"blue\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void searchByGetAndPostFindsExperimentsMatchingTheFilter() {
    String id = server.createExperiment("searchable-one");
    TestServer.Reply post = server.post("/api/2.0/mlflow/experiments/search",
        "{\"filter\":\"name = 'searchable-one'\",\"max_results\":10}");
    assertThat(post.status()).as(post.toString()).isEqualTo(200);
    assertThat(post.json().get("experiments")).hasSize(1);
    assertThat(post.json().at("/experiments/0/experiment_id").asText()).isEqualTo(id);

    TestServer.Reply get = server.get("/api/2.0/mlflow/experiments/search?max_results=10&filter="
        + java.net.URLEncoder.encode("name = 'searchable-one'", java.nio.charset.StandardCharsets.UTF_8));
    assertThat(get.status()).as(get.toString()).isEqualTo(200);
    assertThat(get.json().at("/experiments/0/experiment_id").asText()).isEqualTo(id);
  }

  @Test
  void searchPagesWithATokenAndOrderBy() {
    for (int i = 0; i < 3; i++) {
      server.createExperiment("paged-" + i);
    }
    TestServer.Reply first = server.get(
        "/api/2.0/mlflow/experiments/search?max_results=2&order_by=name%20ASC&filter=name%20LIKE%20'paged-%25'");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().get("experiments")).hasSize(2);
    assertThat(first.json().at("/experiments/0/name").asText()).isEqualTo("paged-0");
    String token = first.json().get("next_page_token").asText();
    TestServer.Reply second = server.post("/api/2.0/mlflow/experiments/search",
        "{\"max_results\":2,\"order_by\":[\"name ASC\"],\"filter\":\"name LIKE 'paged-%'\",\"page_token\":\"" + token + "\"}");
    assertThat(second.json().get("experiments")).hasSize(1);
    assertThat(second.json().at("/experiments/0/name").asText()).isEqualTo("paged-2");
  }

  @Test
  void searchRejectsMaxResultsOverTheLimit() {
    TestServer.Reply r = server.get("/api/2.0/mlflow/experiments/search?max_results=50001");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("max_results").contains("50000");
  }

  @Test
  void updateRenamesTheExperiment() {
    String id = server.createExperiment("before-rename");
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/update",
        "{\"experiment_id\":\"" + id + "\",\"new_name\":\"after-rename\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + id).json().at("/experiment/name").asText())
        .isEqualTo("after-rename");
  }

  @Test
  void deleteAndRestoreChangeTheLifecycleStage() {
    String id = server.createExperiment("to-delete");
    assertThat(server.post("/api/2.0/mlflow/experiments/delete", "{\"experiment_id\":\"" + id + "\"}").status())
        .isEqualTo(200);
    assertThat(stage(id)).isEqualTo("deleted");
    TestServer.Reply deletedOnly = server.post("/api/2.0/mlflow/experiments/search", "{\"view_type\":\"DELETED_ONLY\"}");
    assertThat(deletedOnly.json().get("experiments").toString()).contains("\"experiment_id\":\"" + id + "\"");
    TestServer.Reply activeOnly = server.get("/api/2.0/mlflow/experiments/search?view_type=ACTIVE_ONLY");
    assertThat(activeOnly.json().get("experiments").toString()).doesNotContain("\"experiment_id\":\"" + id + "\"");
    assertThat(server.post("/api/2.0/mlflow/experiments/restore", "{\"experiment_id\":\"" + id + "\"}").status())
        .isEqualTo(200);
    assertThat(stage(id)).isEqualTo("active");
  }

  @Test
  void deleteOfAMissingExperimentIs404() {
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/delete", "{\"experiment_id\":\"424242\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void setAndDeleteExperimentTag() {
    String id = server.createExperiment("tagged");
    assertThat(server.post("/api/2.0/mlflow/experiments/set-experiment-tag",
        "{\"experiment_id\":\"" + id + "\",\"key\":\"team\",\"value\":\"vision\"}").status()).isEqualTo(200);
    JsonNode tags = server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + id).json().at("/experiment/tags");
    assertThat(tags.toString()).contains("\"key\":\"team\"").contains("\"value\":\"vision\"");
    assertThat(server.post("/api/2.0/mlflow/experiments/delete-experiment-tag",
        "{\"experiment_id\":\"" + id + "\",\"key\":\"team\"}").status()).isEqualTo(200);
    JsonNode after = server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + id).json().at("/experiment/tags");
    assertThat(after.toString()).doesNotContain("\"team\"");
  }

  @Test
  void setExperimentTagWithoutKeyIs400() {
    String id = server.createExperiment("tag-no-key");
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/set-experiment-tag",
        "{\"experiment_id\":\"" + id + "\",\"value\":\"v\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'key'");
  }

  private String stage(String id) {
    return server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + id).json().at("/experiment/lifecycle_stage").asText();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "experiments/update|{\"experiment_id\":\"777777\",\"new_name\":\"x\"}",
      "experiments/restore|{\"experiment_id\":\"777777\"}",
      "experiments/set-experiment-tag|{\"experiment_id\":\"777777\",\"key\":\"k\",\"value\":\"v\"}",
      "experiments/delete-experiment-tag|{\"experiment_id\":\"777777\",\"key\":\"k\"}"})
  void writesToAMissingExperimentAre404(String routeAndBody) {
    String[] parts = routeAndBody.split("\\|", 2);
    TestServer.Reply r = server.post("/api/2.0/mlflow/" + parts[0], parts[1]);
    assertThat(r.status()).as(parts[0] + " " + r).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void renamingOntoAnExistingNameIs400ResourceAlreadyExists() {
    server.createExperiment("rename-taken");
    String id = server.createExperiment("rename-source");
    TestServer.Reply r = server.post("/api/2.0/mlflow/experiments/update",
        "{\"experiment_id\":\"" + id + "\",\"new_name\":\"rename-taken\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
  }
}
