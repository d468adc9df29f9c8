package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.serving.log.StoredPrediction;
import dev.cairn.serving.log.PredictionStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prediction log routes with authentication on: viewers read the log and accuracy, only a global editor feeds back. */
class PredictionAuthorisationTest {
  static final String BASE = "/api/cairn/v1/deployments/d1";
  @TempDir static Path dir;
  static AuthServer server;
  static String viewer;
  static String editor;
  static String modelEditor;

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    viewer = AuthServer.bearer(server.userWithToken("vera", "viewer"));
    editor = AuthServer.bearer(server.userWithToken("eddie", "editor"));
    modelEditor = AuthServer.bearer(server.userWithToken("mo", null));
    assertThat(server.post("/api/cairn/v1/users/mo/grants",
        "{\"role\":\"editor\",\"scope\":\"registered_model:churn\"}", AuthServer.bearer(server.adminToken)).status())
        .isEqualTo(200);
    new PredictionStore(server.server.database()).insert(List.of(new StoredPrediction("p1", "d1", "churn", 1, 5,
        List.of(Map.of("a", 1)), List.of(Map.of("label", "yes")), 1, false)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void viewersReadGlobalEditorsFeedBack() {
    String body = "{\"feedback\":[{\"prediction_id\":\"p1\",\"label\":\"yes\"}]}";
    AuthServer.Reply refused = server.post(BASE + "/feedback", body, viewer);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("message").asText()).contains("needs role editor");
    assertThat(server.post(BASE + "/feedback", body, modelEditor).status()).as("a model-scoped editor").isEqualTo(403);
    assertThat(server.send("GET", BASE + "/predictions", null, null).status()).isEqualTo(401);

    AuthServer.Reply fed = server.post(BASE + "/feedback", body, editor);
    assertThat(fed.status()).as(fed.toString()).isEqualTo(200);
    assertThat(fed.json().get("recorded").asInt()).isEqualTo(1);
    assertThat(server.get(BASE + "/predictions", viewer).json().at("/predictions/0/prediction_id").asText())
        .isEqualTo("p1");
    AuthServer.Reply accuracy = server.get(BASE + "/accuracy?from=0&to=60000&window_minutes=1", viewer);
    assertThat(accuracy.status()).isEqualTo(200);
    assertThat(accuracy.json().at("/windows/0/accuracy").asDouble()).isEqualTo(1.0);
    // the feedback row names who gave it
    String actor = server.server.database().read(h -> h.createQuery("SELECT actor FROM prediction_feedback")
        .mapTo(String.class).one());
    assertThat(actor).isEqualTo("eddie");
  }
}
