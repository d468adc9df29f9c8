package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments with authentication on: viewers read, only a global editor (or more) writes; an editor grant on the
 * routed model alone does not reach deployments; the history names who changed what.
 */
class DeploymentAuthorisationTest {
  static final String BASE = "/api/cairn/v1/deployments";
  @TempDir static Path dir;
  static AuthServer server;
  static String admin;
  static String viewer;
  static String editor;
  static String modelEditor;

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    admin = AuthServer.bearer(server.adminToken);
    viewer = AuthServer.bearer(server.userWithToken("vera", "viewer"));
    editor = AuthServer.bearer(server.userWithToken("eddie", "editor"));
    modelEditor = AuthServer.bearer(server.userWithToken("mo", null));
    assertThat(server.post("/api/cairn/v1/users/mo/grants",
        "{\"role\":\"editor\",\"scope\":\"registered_model:churn\"}", admin).status()).isEqualTo(200);
    assertThat(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}", admin).status())
        .isEqualTo(200);
    assertThat(server.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"churn\",\"source\":\"s3://m/1\"}",
        admin).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void viewersReadEditorsWrite() {
    String body = "{\"name\":\"d1\",\"routes\":[\"churn/1\"]}";
    AuthServer.Reply refused = server.post(BASE, body, viewer);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(refused.json().get("message").asText()).contains("needs role editor");

    AuthServer.Reply scoped = server.post(BASE, body, modelEditor);
    assertThat(scoped.status()).as("an editor of the model only").isEqualTo(403);

    assertThat(server.send("GET", BASE, null, null).status()).isEqualTo(401);

    AuthServer.Reply created = server.post(BASE, body, editor);
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    assertThat(created.json().at("/deployment/created_by").asText()).isEqualTo("eddie");

    assertThat(server.get(BASE + "/d1", viewer).status()).isEqualTo(200);
    assertThat(server.get(BASE, viewer).json().get("deployments")).hasSize(1);
    assertThat(server.get(BASE + "/d1/history", viewer).json().at("/changes/0/actor").asText()).isEqualTo("eddie");
    assertThat(server.send("PATCH", BASE + "/d1", "{\"expected_version\":1,\"routes\":[\"churn/1=100\"]}", viewer)
        .status()).isEqualTo(403);
    assertThat(server.send("DELETE", BASE + "/d1", null, viewer).status()).isEqualTo(403);
    assertThat(server.send("PATCH", BASE + "/d1", "{\"expected_version\":1,\"description\":\"x\"}", editor)
        .status()).isEqualTo(200);
    assertThat(server.send("DELETE", BASE + "/d1", null, admin).status()).isEqualTo(200);
  }
}
