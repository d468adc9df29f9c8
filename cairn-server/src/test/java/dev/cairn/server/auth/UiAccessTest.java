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

  /** A form post of run ids, as the runs page's delete and restore buttons send it. */
  static int postForm(String path, String runIds, String authorization) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(server.server.url() + path)).header("Authorization", authorization)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(runIds)).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void deletingRunsFromThePageNeedsEditorOnTheExperimentInTheAddressAndOnlyItsRuns() throws Exception {
    MetadataStore store = server.server.metadataStore();
    String mine = store.createRun(at.mine(), "admin", 2L, "to delete", List.of()).runId();
    String eddie = AuthServer.bearer(server.userWithToken("eddie", null));
    assertThat(server.post("/api/cairn/v1/users/eddie/grants", "{\"role\":\"editor\",\"scope\":\"experiment:"
        + at.mine() + "\"}", admin).status()).isEqualTo(200);
    // a viewer of the experiment is refused; so is its editor on another experiment, or with another's run in the form
    assertThat(postForm("/ui/runs/delete?experiment_id=" + at.mine(), "run_ids=" + mine, at.adaBasic()))
        .isEqualTo(403);
    assertThat(postForm("/ui/runs/delete?experiment_id=" + at.theirs(), "run_ids=" + at.theirRun(), eddie))
        .isEqualTo(403);
    assertThat(postForm("/ui/runs/delete?experiment_id=" + at.mine(), "run_ids=" + mine + "&run_ids="
        + at.theirRun(), eddie)).isEqualTo(400);
    assertThat(store.getRun(mine).info().lifecycleStage().name()).isEqualTo("ACTIVE");
    assertThat(store.getRun(at.theirRun()).info().lifecycleStage().name()).isEqualTo("ACTIVE");
    assertThat(server.get("/ui/runs?experiment_id=" + at.mine(), eddie).text()).contains("Delete selected");
    assertThat(server.get("/ui/runs?experiment_id=" + at.mine(), at.adaBasic()).text())
        .doesNotContain("Delete selected");
    assertThat(postForm("/ui/runs/delete?experiment_id=" + at.mine(), "run_ids=" + mine, eddie)).isEqualTo(303);
    assertThat(store.getRun(mine).info().lifecycleStage().name()).isEqualTo("DELETED");
    assertThat(postForm("/ui/runs/restore?experiment_id=" + at.mine(), "run_ids=" + mine, eddie)).isEqualTo(303);
    assertThat(store.getRun(mine).info().lifecycleStage().name()).isEqualTo("ACTIVE");
  }
}
