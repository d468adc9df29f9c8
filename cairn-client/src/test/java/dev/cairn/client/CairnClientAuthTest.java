package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.server.CairnServer;
import dev.cairn.tracking.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against a real server with authentication on: tokens and Basic from the environment or given. */
class CairnClientAuthTest {
  @TempDir static Path dir;
  static CairnServer server;
  static String adminToken;

  @BeforeAll
  static void start() throws Exception {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts"), Map.of(), true, null));
    adminToken = Files.readString(dir.resolve("admin-token")).strip();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aTokenTracksARunAndMovesArtifacts() throws Exception {
    try (CairnClient client = CairnClient.connect(server.url(), Credentials.token(adminToken))) {
      String experiment = client.createExperiment("sdk-auth");
      String run = client.run(experiment, "r", r -> {
        for (int step = 0; step < 20; step++) {
          r.logMetric("loss", 1.0 / (step + 1), step);
        }
      });
      assertThat(client.getMetricHistory(run, "loss")).extracting(Metric::step).hasSize(20);
      Path file = Files.writeString(dir.resolve("model.txt"), "weights");
      client.uploadArtifact(run, file, "model");
      Path back = client.downloadArtifact(run, "model/model.txt", dir.resolve("back"));
      assertThat(Files.readString(back)).isEqualTo("weights");
    }
  }

  @Test
  void basicCredentialsFromTheEnvironmentSignIn() {
    Credentials fromEnv = Credentials.fromEnvironment(Map.of(
        "MLFLOW_TRACKING_USERNAME", "admin", "MLFLOW_TRACKING_PASSWORD", adminToken));
    try (CairnClient client = CairnClient.connect(server.url(), fromEnv)) {
      assertThat(client.createExperiment("sdk-basic")).isNotBlank();
    }
  }

  @Test
  void withoutCredentialsTheServerSays401AndTheClientRaisesUnauthenticated() {
    try (CairnClient client = CairnClient.connect(server.url(), Credentials.NONE)) {
      assertThatThrownBy(() -> client.createExperiment("anonymous"))
          .isInstanceOf(CairnException.class)
          .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }
  }

  @Test
  void theEnvironmentIsReadInOrderAndSecretsAreNeverShown() {
    assertThat(Credentials.fromEnvironment(Map.of()).authorization()).isNull();
    assertThat(Credentials.fromEnvironment(Map.of("CAIRN_TRACKING_TOKEN", "a", "MLFLOW_TRACKING_TOKEN", "b"))
        .authorization()).isEqualTo("Bearer a");
    assertThat(Credentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", "b", "MLFLOW_TRACKING_USERNAME", "u",
        "MLFLOW_TRACKING_PASSWORD", "p")).authorization()).isEqualTo("Bearer b");
    Credentials basic = Credentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "u",
        "MLFLOW_TRACKING_PASSWORD", "secret-pw"));
    assertThat(basic.authorization()).isEqualTo("Basic dTpzZWNyZXQtcHc=");
    assertThat(basic.toString()).doesNotContain("secret-pw").doesNotContain("dTpzZWNyZXQtcHc=");
    assertThat(Credentials.token("tok-123").toString()).doesNotContain("tok-123");
  }
}
