package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client's registry calls against a server with authentication on, signing in as
 * MLflow users do (HTTP Basic with MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD: here the admin and its
 * token); and the same client without credentials is refused.
 */
class AuthenticatedMlflowJavaClientRegistryTest extends MlflowJavaClientRegistryTest {
  @Override
  TestServer startServer() throws Exception {
    Path dir = Files.createTempDirectory("cairn-registry-auth");
    CairnServer started = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0,
        "sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("artifacts"), Map.of(), true, null));
    return TestServer.wrap(started, dir);
  }

  @Override
  MlflowClient connect(TestServer server) throws Exception {
    String token = Files.readString(server.dir.resolve("admin-token")).strip();
    return new MlflowClient(new BasicMlflowHostCreds(server.server.url(), "admin", token));
  }

  @Test
  void withoutCredentialsTheRegistryAnswers401() {
    MlflowClient anonymous = new MlflowClient(server.server.url());
    try {
      assertThatThrownBy(() -> anonymous.sendGet("registered-models/search?max_results=10"))
          .isInstanceOf(MlflowClientException.class).hasMessageContaining("401");
    } finally {
      anonymous.close();
    }
  }
}
