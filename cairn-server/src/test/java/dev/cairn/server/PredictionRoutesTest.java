package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.serving.log.PersonalFields;
import dev.cairn.serving.log.PredictionLog;
import dev.cairn.serving.log.PredictionRecord;
import dev.cairn.serving.log.PredictionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prediction log, feedback and accuracy REST API on a real server (authentication off): predictions logged
 * through a {@link PredictionLog} on the server's database, feedback posted by their ids, accuracy read back.
 */
class PredictionRoutesTest {
  static final String BASE = "/api/cairn/v1/deployments";
  static final long T0 = 6_000_000L; // a multiple of 10 minutes

  @TempDir Path dir;
  TestServer server;
  List<String> ids = new ArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start(dir);
    PredictionLog log = new PredictionLog(new PredictionStore(server.server.database()),
        PredictionLog.Settings.defaults().withPersonalFields(
            new PersonalFields(Set.of("email"), PersonalFields.Mode.DROP, null)));
    // five predictions of v1 one minute apart, predicting yes, no, yes, no, yes
    for (int i = 0; i < 5; i++) {
      ids.add(log.record(new PredictionRecord("churn-prod", "churn", 1, T0 + i * 60_000L,
          List.of(Map.of("age", 30 + i, "email", "p" + i + "@example.com")),
          List.of(Map.of("label", i % 2 == 0 ? "yes" : "no")), 3.0, false)));
    }
    assertThat(log.close(Duration.ofSeconds(60))).isTrue();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static TestServer.Reply ok(TestServer.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r;
  }

  @Test
  void feedbackThenAccuracyPerWindow() {
    String body = "{\"feedback\":[{\"prediction_id\":\"" + ids.get(0) + "\",\"label\":\"yes\"},"
        + "{\"prediction_id\":\"" + ids.get(1) + "\",\"label\":\"yes\"},"
        + "{\"prediction_id\":\"" + ids.get(2) + "\",\"label\":\"yes\"},"
        + "{\"prediction_id\":\"no-such-id\",\"label\":\"yes\"}]}";
    JsonNode answer = ok(server.post(BASE + "/churn-prod/feedback", body)).json();
    assertThat(answer.get("recorded").asInt()).isEqualTo(3);
    assertThat(answer.at("/results/0/recorded").asBoolean()).isTrue();
    assertThat(answer.at("/results/3/recorded").asBoolean()).isFalse();
    assertThat(answer.at("/results/3/error").asText()).contains("no-such-id").contains("not in the log");

    // 2-minute windows from T0: [p0 right, p1 wrong] -> 0.5; [p2 right] -> 1.0; p3, p4 have no feedback
    JsonNode windows = ok(server.get(BASE + "/churn-prod/accuracy?from=" + T0 + "&to=" + (T0 + 600_000)
        + "&window_minutes=2")).json().get("windows");
    assertThat(windows).hasSize(2);
    assertThat(windows.at("/0/accuracy").asDouble()).isEqualTo(0.5);
    assertThat(windows.at("/0/count").asInt()).isEqualTo(2);
    assertThat(windows.at("/0/start").asLong()).isEqualTo(T0);
    assertThat(windows.at("/0/end").asLong()).isEqualTo(T0 + 120_000);
    assertThat(windows.at("/1/accuracy").asDouble()).isEqualTo(1.0);
    assertThat(windows.at("/1/model_version").asInt()).isEqualTo(1);
  }

  @Test
  void predictionsArePagedAndHoldNoPersonalField() {
    JsonNode first = ok(server.get(BASE + "/churn-prod/predictions?from=" + T0 + "&max_results=3")).json();
    assertThat(first.get("predictions")).hasSize(3);
    assertThat(first.at("/predictions/0/prediction_id").asText()).isEqualTo(ids.get(0));
    assertThat(first.at("/predictions/0/inputs/0/age").asInt()).isEqualTo(30);
    assertThat(first.at("/predictions/0/inputs/0").has("email")).isFalse();
    assertThat(first.at("/predictions/0/outputs/0/label").asText()).isEqualTo("yes");
    JsonNode second = ok(server.get(BASE + "/churn-prod/predictions?from=" + T0 + "&max_results=3&page_token="
        + first.get("next_page_token").asText())).json();
    assertThat(second.get("predictions")).hasSize(2);
    assertThat(second.has("next_page_token")).isFalse();
    assertThat(ok(server.get(BASE + "/churn-prod/predictions?to=" + T0)).json().get("predictions")).isEmpty();
    assertThat(ok(server.get(BASE + "/other/predictions")).json().get("predictions")).isEmpty();
  }

  @Test
  void badRequestsNameTheFieldAndTheLimit() {
    TestServer.Reply empty = server.post(BASE + "/churn-prod/feedback", "{}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(empty.json().get("message").asText()).contains("'feedback'").contains("1000");

    TestServer.Reply both = server.post(BASE + "/churn-prod/feedback", "{\"feedback\":[{\"prediction_id\":\""
        + ids.get(0) + "\",\"label\":\"yes\",\"value\":1}]}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().get("message").asText()).contains("feedback[0]").contains("exactly one of 'label'");

    StringBuilder many = new StringBuilder("{\"feedback\":[");
    for (int i = 0; i < 1001; i++) {
      many.append(i == 0 ? "" : ",").append("{\"prediction_id\":\"x").append(i).append("\",\"label\":\"a\"}");
    }
    TestServer.Reply tooMany = server.post(BASE + "/churn-prod/feedback", many + "]}");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("message").asText()).contains("1001 items").contains("at most 1000");

    TestServer.Reply badPage = server.get(BASE + "/churn-prod/predictions?max_results=5000");
    assertThat(badPage.status()).isEqualTo(400);
    assertThat(badPage.json().get("message").asText()).contains("max_results").contains("1000");

    TestServer.Reply window = server.get(BASE + "/churn-prod/accuracy?window_minutes=0");
    assertThat(window.status()).isEqualTo(400);
    assertThat(window.json().get("message").asText()).contains("window_minutes");

    TestServer.Reply range = server.get(BASE + "/churn-prod/accuracy?from=10&to=5");
    assertThat(range.status()).isEqualTo(400);
    assertThat(range.json().get("message").asText()).contains("'from' 10").contains("'to' 5");
  }
}
