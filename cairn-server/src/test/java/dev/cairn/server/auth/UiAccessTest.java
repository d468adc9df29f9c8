package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.ui.Assets;
import dev.cairn.store.MetadataStore;
import java.nio.file.Path;
import java.util.List;
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
  /** Two experiments with a run each; ada may view only the first, and signs in with Basic and her token. */
  static Setup at;

  record Setup(String mine, String theirs, String myRun, String theirRun, String adaBasic) {}

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    admin = AuthServer.bearer(server.adminToken);
    MetadataStore store = server.server.metadataStore(); // the data is written directly: the pages are under test
    String mine = store.createExperiment("mine", null, List.of());
    String theirs = store.createExperiment("theirs", null, List.of());
    at = new Setup(mine, theirs, store.createRun(mine, "admin", 1L, "my run", List.of()).runId(),
        store.createRun(theirs, "admin", 1L, "their run", List.of()).runId(),
        AuthServer.basic("ada", server.userWithToken("ada", null)));
    assertThat(server.post("/api/cairn/v1/users/ada/grants", "{\"role\":\"viewer\",\"scope\":\"experiment:" + mine
        + "\"}", admin).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAnonymousBrowserIsAskedForBasicCredentials() {
    AuthServer.Reply r = server.get("/ui/runs?experiment_id=" + at.mine(), null);
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
    String ada = at.adaBasic();
    AuthServer.Reply runs = server.get("/ui/runs?experiment_id=" + at.mine(), ada);
    assertThat(runs.status()).isEqualTo(200);
    assertThat(runs.text()).contains("data-run-id=\"" + at.myRun() + "\"");
    assertThat(server.get("/ui/run?run_id=" + at.myRun(), ada).status()).isEqualTo(200);
    assertThat(server.get("/ui/runs?experiment_id=" + at.theirs(), ada).status()).isEqualTo(403);
    assertThat(server.get("/ui/run?run_id=" + at.theirRun(), ada).status()).isEqualTo(403);
    // an artifact preview is scoped by its run_id like the run page (past authorisation, a missing file is 404)
    assertThat(server.get("/ui/artifact?run_id=" + at.myRun() + "&path=none.txt", ada).status()).isEqualTo(404);
    assertThat(server.get("/ui/artifact?run_id=" + at.theirRun() + "&path=none.txt", ada).status()).isEqualTo(403);
    assertThat(server.get("/ui/compare?run_ids=" + at.myRun() + "&run_ids=" + at.theirRun(), ada).status())
        .isEqualTo(403);
    // listing every experiment needs a global grant, as experiments/search does
    assertThat(server.get("/ui/experiments", ada).status()).isEqualTo(403);
    assertThat(server.get("/ui/experiments", admin).status()).isEqualTo(200);
  }
}
