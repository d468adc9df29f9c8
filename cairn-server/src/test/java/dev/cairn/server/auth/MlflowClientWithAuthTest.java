package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client against a server with authentication on, with the credentials MLflow
 * clients take from MLFLOW_TRACKING_USERNAME/PASSWORD (Basic) and MLFLOW_TRACKING_TOKEN (Bearer).
 */
class MlflowClientWithAuthTest {
  @TempDir static Path dir;
  static AuthServer server;
  static String token;

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    token = server.userWithToken("ada", "editor");
    server.post("/api/cairn/v1/users/ada/password", "{\"password\":\"correct horse\"}",
        AuthServer.bearer(server.adminToken));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void tracksARun(MlflowClient client, String experimentName) {
    try (client) {
      String experiment = client.createExperiment(experimentName);
      Service.RunInfo run = client.createRun(experiment);
      client.logMetric(run.getRunId(), "loss", 0.25);
      client.logParam(run.getRunId(), "lr", "0.1");
      Service.Run back = client.getRun(run.getRunId());
      assertThat(back.getData().getMetricsList()).extracting(Service.Metric::getValue).containsExactly(0.25);
      assertThat(back.getInfo().getExperimentId()).isEqualTo(experiment);
    }
  }

  @Test
  void basicWithUserAndPasswordTracks() {
    tracksARun(new MlflowClient(new BasicMlflowHostCreds(server.server.url(), "ada", "correct horse")), "basic-pw");
  }

  @Test
  void basicWithUserAndTokenTracks() {
    tracksARun(new MlflowClient(new BasicMlflowHostCreds(server.server.url(), "ada", token)), "basic-token");
  }

  @Test
  void bearerTokenTracks() {
    tracksARun(new MlflowClient(new BasicMlflowHostCreds(server.server.url(), token)), "bearer");
  }

  @Test
  void noCredentialsIsAClientErrorNaming401() {
    try (MlflowClient client = new MlflowClient(server.server.url())) {
      assertThatThrownBy(() -> client.createExperiment("anonymous"))
          .isInstanceOf(MlflowClientException.class).hasMessageContaining("401");
    }
  }
}
