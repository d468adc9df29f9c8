package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.ml.bundle.InputField;
import dev.cairn.ml.train.Task;
import dev.cairn.serving.TestBundles;
import dev.cairn.serving.log.InstallationSalt;
import dev.cairn.serving.log.PersonalFields;
import dev.cairn.serving.protocol.RequestBodies;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import dev.cairn.server.inference.PredictionLogSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Personal fields over HTTP: a bundle whose input schema flags {@code age} personal is deployed on a real server, rows
 * are scored over OIP v2, and the prediction log stores {@code age} hashed with the installation's salt (the default)
 * or not at all ({@code drop}), never in clear; the other inputs are stored as sent.
 */
class PersonalFieldsLogTest {
  @TempDir Path dir;

  @Test
  void theLogStoresAPersonalFieldHashedWithTheInstallationSaltByDefault() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of(),
        false, List.of("age"));
    Path data = dir.resolve("server");
    Logged logged = scoreAndReadLog(bundle, data, null);
    List<JsonNode> stored = logged.stored();

    byte[] salt = logged.salt(); // in the database, so every serving replica hashes alike
    assertThat(salt).hasSizeGreaterThanOrEqualTo(16);
    PersonalFields hashing = new PersonalFields(Set.of("age"), PersonalFields.Mode.HASH, salt);
    for (JsonNode p : stored) {
      JsonNode inputs = p.at("/inputs/0");
      assertThat(inputs.get("age").asText()).startsWith("sha256:")
          .isIn(hashing.hash("41.0"), hashing.hash("63.0"), hashing.hash("25.0"));
      assertThat(inputs.get("tenure").isNumber()).as("fields not marked personal stay as sent: %s", inputs).isTrue();
      assertThat(p.toString()).doesNotContain("41.0", "63.0", "25.0");
    }
    // equal values hash alike, so they still join
    assertThat(stored.stream().map(p -> p.at("/inputs/0/age").asText()).distinct()).hasSize(3);
  }

  @Test
  void dropModeStoresNoValueOfThePersonalFieldAndMakesNoSalt() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of(),
        false, List.of("age"));
    Path data = dir.resolve("server");
    Logged logged = scoreAndReadLog(bundle, data, "drop");
    List<JsonNode> stored = logged.stored();
    for (JsonNode p : stored) {
      assertThat(p.at("/inputs/0").has("age")).as(p.toString()).isFalse();
      assertThat(p.at("/inputs/0").has("monthly")).isTrue();
    }
    assertThat(logged.salt()).isNull();
  }

  @Test
  void aBundleWithoutPersonalFieldsIsLoggedAsSent() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), "logistic_regression", Task.CLASSIFICATION, Map.of(), Map.of());
    assertThat(Files.readString(bundle.resolve("bundle.json"))).as("the flag is absent when false: old ids hold")
        .doesNotContain("personal");
    List<JsonNode> stored = scoreAndReadLog(bundle, dir.resolve("server"), null).stored();
    assertThat(stored).anySatisfy(p -> assertThat(p.at("/inputs/0/age").asDouble()).isEqualTo(41.0));
  }

  /** Scores six rows (ages 41, 63, 25, twice each) on a server in {@code data}; returns the stored predictions. */
  /** What the log stored, and the installation salt in the server's database (null when none was made). */
  private record Logged(List<JsonNode> stored, byte[] salt) {}

  private static Logged scoreAndReadLog(Path bundle, Path data, String personalMode) throws Exception {
    List<InputField> schema;
    try (LoadedModel m = ModelRuntime.defaults().load(bundle)) {
      schema = m.inputSchema();
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (double age : new double[] {41, 63, 25, 41, 63, 25}) {
      Map<String, Object> row = new LinkedHashMap<>(TestBundles.rows(1, (long) age).get(0));
      row.put("tenure", 12.0);
      row.put("age", age);
      rows.add(row);
    }
    if (personalMode != null) {
      System.setProperty(PredictionLogSettings.PERSONAL_PROPERTY, personalMode); // read once, at start
    }
    TestServer server;
    try {
      server = TestServer.start(data);
    } finally {
      System.clearProperty(PredictionLogSettings.PERSONAL_PROPERTY);
    }
    try (server) {
      String experiment = server.createExperiment("personal");
      ok(server.post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}"));
      JsonNode info = ok(server.post("/api/2.0/mlflow/logged-models", "{\"experiment_id\":\"" + experiment
          + "\",\"name\":\"churn\"}")).at("/model/info");
      String artifactUri = info.get("artifact_uri").asText();
      String storePath = artifactUri.substring("mlflow-artifacts:/".length());
      try (Stream<Path> files = Files.walk(bundle)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          ok(server.put("/api/2.0/mlflow-artifacts/artifacts/" + storePath + "/model/"
              + bundle.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f)));
        }
      }
      ok(server.post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"churn\",\"source\":\"" + artifactUri
          + "\",\"model_id\":\"" + info.get("model_id").asText() + "\"}"));
      ok(server.post("/api/cairn/v1/deployments",
          "{\"name\":\"private\",\"routes\":[{\"target\":\"churn/1\",\"weight\":100}]}"));
      TestServer.Reply scored = server.post("/v2/models/private/infer",
          new String(RequestBodies.oipColumns(schema, rows, false), java.nio.charset.StandardCharsets.UTF_8));
      ok(scored);
      long deadline = System.nanoTime() + 30_000_000_000L;
      JsonNode stored = null;
      while (System.nanoTime() < deadline) { // the log writes in the background
        stored = ok(server.get("/api/cairn/v1/deployments/private/predictions")).get("predictions");
        if (stored.size() == rows.size()) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(stored).hasSize(rows.size());
      List<JsonNode> out = new ArrayList<>();
      stored.forEach(out::add);
      var db = server.server.database();
      return new Logged(out, InstallationSalt.exists(db) ? InstallationSalt.load(db) : null);
    }
  }

  private static JsonNode ok(TestServer.Reply r) throws IOException {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }
}
