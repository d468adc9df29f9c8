package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.ui.Assets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI with authentication on: pages take the API's Basic or Bearer credentials and its scoped grants (by the
 * experiment_id, run_id or run_ids in the URL); static files and the root redirect are open.
 */
class UiAccessTest {
  @TempDir static Path dir;
  static AuthServer server;
  static String admin;
  static String mine;
  static String theirs;
  static String myRun;
  static String theirRun;
  static String adaBasic;

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    admin = AuthServer.bearer(server.adminToken);
    mine = server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"mine\"}", admin).json()
        .get("experiment_id").asText();
    theirs = server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"theirs\"}", admin).json()
        .get("experiment_id").asText();
    myRun = run(mine);
    theirRun = run(theirs);
    adaBasic = AuthServer.basic("ada", server.userWithToken("ada", null));
    assertThat(server.post("/api/cairn/v1/users/ada/grants", "{\"role\":\"viewer\",\"scope\":\"experiment:" + mine
        + "\"}", admin).status()).isEqualTo(200);
  }

  static String run(String experiment) {
    return server.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + experiment + "\"}", admin).json()
        .at("/run/info/run_id").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAnonymousBrowserIsAskedForBasicCredentials() {
    AuthServer.Reply r = server.get("/ui/runs?experiment_id=" + mine, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Basic");
  }

  @Test
  void staticFilesAndTheRootRedirectAreOpen() {
    assertThat(server.get(Assets.url("cairn.css"), null).status()).isEqualTo(200);
    assertThat(server.get("/", null).status()).isEqualTo(302);
  }

  @Test
  void anExperimentViewerSeesThatExperimentsPagesOnly() {
    AuthServer.Reply runs = server.get("/ui/runs?experiment_id=" + mine, adaBasic);
    assertThat(runs.status()).isEqualTo(200);
    assertThat(runs.text()).contains("data-run-id=\"" + myRun + "\"");
    assertThat(server.get("/ui/run?run_id=" + myRun, adaBasic).status()).isEqualTo(200);
    assertThat(server.get("/ui/runs?experiment_id=" + theirs, adaBasic).status()).isEqualTo(403);
    assertThat(server.get("/ui/run?run_id=" + theirRun, adaBasic).status()).isEqualTo(403);
    assertThat(server.get("/ui/compare?run_ids=" + myRun + "&run_ids=" + theirRun, adaBasic).status()).isEqualTo(403);
    // listing every experiment needs a global grant, as experiments/search does
    assertThat(server.get("/ui/experiments", adaBasic).status()).isEqualTo(403);
    assertThat(server.get("/ui/experiments", admin).status()).isEqualTo(200);
  }
}
