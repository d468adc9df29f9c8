package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants on one experiment or one registered model: the scope is found in the query, the path or the JSON
 * body (which the handler still reads whole), through a run's experiment too, and a global grant adds to it.
 */
class ScopedGrantsTest {
  @TempDir static Path dir;
  static AuthServer server;
  static String admin;
  static String mine;
  static String theirs;
  static String myRun;
  static String theirRun;
  static String ada;

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    admin = AuthServer.bearer(server.adminToken);
    mine = experiment("mine");
    theirs = experiment("theirs");
    myRun = run(mine);
    theirRun = run(theirs);
    ada = AuthServer.bearer(server.userWithToken("ada", null));
    grant("ada", "editor", "experiment:" + mine);
    grant("ada", "approver", "registered_model:churn");
    for (String model : List.of("churn", "fraud")) {
      assertThat(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"" + model + "\"}", admin)
          .status()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String experiment(String name) {
    return server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"" + name + "\"}", admin).json()
        .get("experiment_id").asText();
  }

  static String run(String experiment) {
    return server.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + experiment + "\"}", admin).json()
        .at("/run/info/run_id").asText();
  }

  static void grant(String user, String role, String scope) {
    AuthServer.Reply r = server.post("/api/cairn/v1/users/" + user + "/grants",
        "{\"role\":\"" + role + "\",\"scope\":\"" + scope + "\"}", admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  static String logBatch(String run) {
    return "{\"run_id\":\"" + run + "\",\"metrics\":[{\"key\":\"loss\",\"value\":0.5,\"timestamp\":1,\"step\":0}]}";
  }

  @Test
  void anExperimentEditorWritesToRunsOfThatExperimentAndTheBodyStillReachesTheHandler() {
    AuthServer.Reply logged = server.post("/api/2.0/mlflow/runs/log-batch", logBatch(myRun), ada);
    assertThat(logged.status()).as(logged.toString()).isEqualTo(200);
    AuthServer.Reply history = server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + myRun + "&metric_key=loss", ada);
    assertThat(history.status()).isEqualTo(200);
    assertThat(history.json().at("/metrics/0/value").asDouble()).isEqualTo(0.5);
  }

  @Test
  void aChartOfARunIsReadWithARoleOnItsExperimentOnly() {
    server.post("/api/2.0/mlflow/runs/log-batch", logBatch(myRun), ada);
    AuthServer.Reply chart = server.get("/api/cairn/v1/metrics/downsampled?run_id=" + myRun + "&key=loss", ada);
    assertThat(chart.status()).as(chart.toString()).isEqualTo(200);
    assertThat(chart.json().at("/points/0/1").asDouble()).isEqualTo(0.5);
    AuthServer.Reply refused = server.get("/api/cairn/v1/metrics/downsampled?run_id=" + theirRun + "&key=loss", ada);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("message").asText()).contains("needs role viewer", "experiment:" + theirs);
  }

  @Test
  void anExperimentEditorIsRefusedOnAnotherExperimentNamingTheScopeAndRole() {
    AuthServer.Reply refused = server.post("/api/2.0/mlflow/runs/log-batch", logBatch(theirRun), ada);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(refused.json().get("message").asText()).contains("needs role editor", "experiment:" + theirs);
    assertThat(server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + theirs, ada).status()).isEqualTo(403);
    assertThat(server.get("/api/2.0/mlflow/experiments/get?experiment_id=" + mine, ada).status()).isEqualTo(200);
  }

  @Test
  void aRequestOverSeveralExperimentsNeedsTheRoleOnEach() {
    String both = "{\"experiment_ids\":[\"" + mine + "\",\"" + theirs + "\"]}";
    assertThat(server.post("/api/2.0/mlflow/runs/search", both, ada).status()).isEqualTo(403);
    assertThat(server.post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"" + mine + "\"]}", ada).status())
        .isEqualTo(200);
  }

  @Test
  void creatingAnExperimentNeedsAGlobalGrant() {
    AuthServer.Reply r = server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"ada's\"}", ada);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("message").asText()).contains("needs role editor on global");
  }

  @Test
  void aModelGrantCoversThatModelByQueryOrBodyAndNoOther() {
    AuthServer.Reply got = server.get("/api/2.0/mlflow/registered-models/get?name=churn", ada);
    assertThat(got.status()).as(got.toString()).isEqualTo(200);
    assertThat(got.json().at("/registered_model/name").asText()).isEqualTo("churn");
    assertThat(server.get("/api/2.0/mlflow/registered-models/get?name=fraud", ada).status()).isEqualTo(403);
    AuthServer.Reply tagged = server.post("/api/2.0/mlflow/registered-models/set-tag",
        "{\"name\":\"churn\",\"key\":\"k\",\"value\":\"v\"}", ada);
    assertThat(tagged.status()).as(tagged.toString()).isEqualTo(200);
    assertThat(server.get("/api/2.0/mlflow/registered-models/get?name=churn", admin).json()
        .at("/registered_model/tags/0/key").asText()).isEqualTo("k");
    assertThat(server.post("/api/2.0/mlflow/registered-models/set-tag",
        "{\"name\":\"fraud\",\"key\":\"k\",\"value\":\"v\"}", ada).status()).isEqualTo(403);
    // an approver's decision on churn passes authorisation (and then finds nothing to roll back); on fraud it is refused
    AuthServer.Reply rollback = server.post("/api/cairn/v1/registry/aliases/rollback",
        "{\"name\":\"churn\",\"alias\":\"production\"}", ada);
    assertThat(rollback.status()).as(rollback.toString()).isEqualTo(404);
    assertThat(rollback.text()).contains("nothing to roll back");
    assertThat(server.post("/api/cairn/v1/registry/aliases/rollback", "{\"name\":\"fraud\",\"alias\":\"production\"}",
        ada).status()).isEqualTo(403);
  }

  @Test
  void aGlobalGrantAddsToScopedOnes() {
    String bob = AuthServer.bearer(server.userWithToken("bob", "viewer"));
    grant("bob", "editor", "experiment:" + mine);
    assertThat(server.get("/api/2.0/mlflow/runs/get?run_id=" + theirRun, bob).status()).isEqualTo(200);
    assertThat(server.post("/api/2.0/mlflow/runs/log-batch", logBatch(theirRun), bob).status()).isEqualTo(403);
    assertThat(server.post("/api/2.0/mlflow/runs/log-batch", logBatch(myRun), bob).status()).isEqualTo(200);
  }

  @Test
  void aNonAdminManagesOnlyTheirOwnTokens() {
    String carol = AuthServer.bearer(server.userWithToken("carol", "editor"));
    AuthServer.Reply own = server.post("/api/cairn/v1/tokens", "{\"name\":\"laptop\"}", carol);
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.json().at("/token/user").asText()).isEqualTo("carol");
    assertThat(server.post("/api/cairn/v1/tokens", "{\"user\":\"ada\"}", carol).status()).isEqualTo(403);
    assertThat(server.get("/api/cairn/v1/tokens?all=true", carol).status()).isEqualTo(403);
    assertThat(server.get("/api/cairn/v1/tokens", carol).json().get("tokens")).hasSize(2);
    String adasToken = server.get("/api/cairn/v1/tokens?user=ada", admin).json().at("/tokens/0/id").asText();
    assertThat(server.send("DELETE", "/api/cairn/v1/tokens/" + adasToken, null, carol).status()).isEqualTo(403);
    assertThat(server.get("/api/cairn/v1/tokens?all=true", admin).json().get("tokens").size()).isGreaterThan(2);
    // the list never carries a secret
    assertThat(server.get("/api/cairn/v1/tokens?all=true", admin).text()).doesNotContain("secret");
  }
}
