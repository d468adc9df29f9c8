package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployments REST API on a real server (authentication off): status codes, bodies and error shapes. */
class DeploymentRoutesTest {
  static final String BASE = "/api/cairn/v1/deployments";

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}"));
    for (int i = 1; i <= 4; i++) {
      ok(server.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"churn\",\"source\":\"s3://m/" + i + "\"}"));
    }
    ok(server.post("/api/2.0/mlflow/registered-models/alias",
        "{\"name\":\"churn\",\"alias\":\"champion\",\"version\":\"1\"}"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static TestServer.Reply ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r;
  }

  TestServer.Reply patch(String path, String json) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  static final String CREATE = "{\"name\":\"churn-api\",\"description\":\"A/B\",\"routes\":["
      + "{\"target\":\"churn@champion\",\"weight\":90},{\"target\":\"churn/3\",\"weight\":10}],"
      + "\"shadows\":[\"churn/4\"],\"sticky\":\"header:X-User\"}";

  @Test
  void createGetListPatchDeleteAndHistory() {
    JsonNode created = ok(server.post(BASE, CREATE)).json().get("deployment");
    assertThat(created.get("version").asLong()).isEqualTo(1);
    assertThat(created.at("/routes/0/target").asText()).isEqualTo("churn@champion");
    assertThat(created.at("/routes/1/weight").asInt()).isEqualTo(10);
    assertThat(created.at("/shadows/0").asText()).isEqualTo("churn/4");
    assertThat(created.get("sticky").asText()).isEqualTo("header:X-User");

    assertThat(ok(server.get(BASE + "/churn-api")).json().get("deployment")).isEqualTo(created);
    ok(server.post(BASE, "{\"name\":\"b\",\"routes\":[\"churn/2\"]}"));
    JsonNode list = ok(server.get(BASE + "?max_results=1")).json();
    assertThat(list.at("/deployments/0/name").asText()).isEqualTo("b");
    assertThat(ok(server.get(BASE + "?max_results=1&page_token=" + list.get("next_page_token").asText())).json()
        .at("/deployments/0/name").asText()).isEqualTo("churn-api");

    JsonNode patched = ok(patch(BASE + "/churn-api", "{\"expected_version\":1,\"routes\":[\"churn@champion=50\","
        + "\"churn/3=50\"],\"sticky\":null}")).json().get("deployment");
    assertThat(patched.get("version").asLong()).isEqualTo(2);
    assertThat(patched.at("/routes/0/weight").asInt()).isEqualTo(50);
    assertThat(patched.has("sticky")).isFalse();
    assertThat(patched.at("/shadows/0").asText()).isEqualTo("churn/4"); // untouched

    TestServer.Reply stale = patch(BASE + "/churn-api", "{\"expected_version\":1,\"routes\":[\"churn/2\"]}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorCode()).isEqualTo("RESOURCE_CONFLICT");
    assertThat(stale.json().get("message").asText()).contains("is at version 2, not the expected_version 1");

    JsonNode rolledBack = ok(server.post(BASE + "/churn-api/rollback", "{\"seq\":1,\"expected_version\":2}")).json();
    assertThat(rolledBack.at("/deployment/routes/0/weight").asInt()).isEqualTo(90);
    assertThat(rolledBack.at("/deployment/version").asLong()).isEqualTo(3);

    assertThat(server.delete(BASE + "/churn-api?expected_version=2").status()).isEqualTo(409);
    ok(server.delete(BASE + "/churn-api?expected_version=3"));
    TestServer.Reply gone = server.get(BASE + "/churn-api");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(gone.json().get("message").asText()).isEqualTo("deployment 'churn-api' does not exist");

    JsonNode history = ok(server.get(BASE + "/churn-api/history")).json().get("changes");
    assertThat(history).extracting(c -> c.get("kind").asText())
        .containsExactly("delete", "rollback", "update", "create");
    assertThat(history.get(2).at("/before/routes/0/weight").asInt()).isEqualTo(90);
    assertThat(history.get(2).at("/after/routes/0/weight").asInt()).isEqualTo(50);
    assertThat(history.get(0).get("after").isNull()).isTrue();
  }

  @Test
  void badRequestsAreRefusedNamingTheFieldAndTheLimit() {
    assertError(server.post(BASE, "{\"routes\":[\"churn/1\"]}"), 400, "INVALID_PARAMETER_VALUE", "name");
    assertError(server.post(BASE, "{\"name\":\"a b\",\"routes\":[\"churn/1\"]}"), 400, "INVALID_PARAMETER_VALUE",
        "field 'name' value 'a b'");
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[\"churn/1=60\",\"churn/2=30\"]}"), 400,
        "INVALID_PARAMETER_VALUE", "field 'routes' weights sum to 90; with more than one route they must sum to 100");
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[{\"target\":\"churn/1\",\"weight\":101}]}"), 400,
        "INVALID_PARAMETER_VALUE", "has weight 101; a weight is 0 to 100");
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[\"churn/9\"]}"), 400, "INVALID_PARAMETER_VALUE",
        "field 'routes[0].target' target churn/9 does not exist in the registry");
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[\"churn@prod\"]}"), 400, "INVALID_PARAMETER_VALUE",
        "field 'routes[0].target' target churn@prod");
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[\"churn/1\"],\"sticky\":\"cookie:x\"}"), 400,
        "INVALID_PARAMETER_VALUE", "field 'sticky'");
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[]}"), 400, "INVALID_PARAMETER_VALUE",
        "field 'routes' is empty");
    assertError(server.post(BASE, "not json"), 400, "INVALID_PARAMETER_VALUE", "not valid JSON");
    ok(server.post(BASE, "{\"name\":\"a\",\"routes\":[\"churn/1\"]}"));
    assertError(server.post(BASE, "{\"name\":\"a\",\"routes\":[\"churn/1\"]}"), 400, "RESOURCE_ALREADY_EXISTS",
        "deployment 'a' already exists");
    assertError(patch(BASE + "/a", "{\"routes\":[\"churn/2\"]}"), 400, "INVALID_PARAMETER_VALUE", "expected_version");
    assertError(patch(BASE + "/a", "{\"expected_version\":1}"), 400, "INVALID_PARAMETER_VALUE", "nothing to change");
    assertError(patch(BASE + "/nope", "{\"expected_version\":1,\"routes\":[\"churn/2\"]}"), 404,
        "RESOURCE_DOES_NOT_EXIST", "deployment 'nope' does not exist");
    assertError(server.get(BASE + "?max_results=1001"), 400, "INVALID_PARAMETER_VALUE", "max_results");
  }

  @Test
  void everyWriteIsAudited() {
    ok(server.post(BASE, CREATE));
    ok(patch(BASE + "/churn-api", "{\"expected_version\":1,\"routes\":[\"churn/3\"]}"));
    ok(server.delete(BASE + "/churn-api"));
    JsonNode events = ok(server.get("/api/cairn/v1/audit?target=deployment:churn-api")).json().get("events");
    assertThat(events).extracting(e -> e.get("action").asText())
        .containsExactlyInAnyOrder("deployment.create", "deployment.update", "deployment.delete");
  }

  static void assertError(TestServer.Reply r, int status, String code, String messagePart) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).as(r.toString()).contains(messagePart);
  }
}
