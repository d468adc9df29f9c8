package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.data.stats.Profiler;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.train.ModelTrainer;
import dev.cairn.ml.train.Task;
import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/alerts.md's walk-through, run as written against a fresh server on which model churn version 1 (a bundle with
 * reference statistics, trained here) is registered; the page's YAML blocks are written to the files they name, and
 * this-month.csv holds 400 customers (fixed seed) whose tenure is 30 months longer than in training.
 */
class AlertsDocTest {
  static final Path PAGE = Path.of("..", "docs", "alerts.md");
  static final long HOUR = 3_600_000;

  @Test
  void theWalkThroughFiresADriftAlertAsThePageShows(@TempDir Path work) throws Exception {
    // the walk-through's traffic and evaluation must fall in one 60-minute window
    while (System.currentTimeMillis() % HOUR > HOUR - 180_000) {
      Thread.sleep(1000);
    }
    Path session = Files.createDirectories(work.resolve("session"));
    writeYamlBlocks(session);
    Files.writeString(session.resolve("this-month.csv"), customers(400, 11, 30));
    Path bundle = train(work.resolve("train"));
    List<ConsoleSession.Step> steps = ConsoleSession.steps(PAGE);
    assertThat(steps).hasSizeGreaterThan(5);
    Path data = work.resolve("server");
    System.setProperty("cairn.alerts.interval-seconds", "0"); // only the page's own rounds
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + data.resolve("cairn.db"),
        "file:" + data.resolve("artifacts")))) {
      register(server.url(), bundle);
      List<List<String>> outputs = ConsoleSession.run(steps, session, Map.of("CAIRN_TRACKING_URI", server.url()), 600);
      assertThat(outputs).hasSameSizeAs(steps);
      List<String> reports = new ArrayList<>();
      for (int i = 0; i < steps.size(); i++) {
        String report = ConsoleSession.mismatch(PAGE, steps.get(i), outputs.get(i));
        if (report != null) {
          reports.add(report);
        }
      }
      assertThat(reports).isEmpty();
    } finally {
      System.clearProperty("cairn.alerts.interval-seconds");
    }
  }

  /** Writes each YAML block of the page whose first line is {@code # FILE} to that file. */
  static void writeYamlBlocks(Path dir) throws IOException {
    List<String> lines = Files.readAllLines(PAGE, StandardCharsets.UTF_8);
    int written = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```yaml") && lines.get(i + 1).startsWith("# ")) {
        String file = lines.get(i + 1).substring(2).strip();
        StringBuilder text = new StringBuilder();
        for (int j = i + 1; !lines.get(j).startsWith("```"); j++) {
          text.append(lines.get(j)).append('\n');
        }
        Files.writeString(dir.resolve(file), text);
        written++;
      }
    }
    assertThat(written).isEqualTo(2);
  }

  /** Customers as in training, their tenure moved by {@code tenureShift} months; with the label for training. */
  static String customers(int rows, long seed, int tenureShift) {
    return table(rows, seed, false, tenureShift);
  }

  static String table(int rows, long seed, boolean label, int tenureShift) {
    Random r = new Random(seed);
    String[] plans = {"basic", "plus", "pro"};
    StringBuilder sb = new StringBuilder("tenure,plan,age" + (label ? ",churned" : "") + "\n");
    for (int i = 0; i < rows; i++) {
      int tenure = r.nextInt(72);
      String plan = plans[r.nextInt(3)];
      int age = 18 + r.nextInt(60);
      double risk = 1 - tenure / 24.0 + (plan.equals("basic") ? 0.8 : 0) + (age - 40) / 40.0 + r.nextGaussian() * 0.5;
      sb.append(tenure + tenureShift).append(',').append(plan).append(',').append(age)
          .append(label ? (risk > 0 ? ",yes" : ",no") : "").append('\n');
    }
    return sb.toString();
  }

  /** A logistic regression on tenure, plan and age whose bundle keeps the training table's profile. */
  static Path train(Path dir) throws IOException {
    Path csv = Files.writeString(Files.createDirectories(dir).resolve("train.csv"), table(600, 1, true, 0));
    Frame frame = Frame.read(csv);
    FittedFeatures features = FeatureSpec.fromJson("""
        {"columns": [
          {"column": "tenure", "steps": [{"op": "standardise"}]},
          {"column": "plan", "steps": [{"op": "one_hot"}]},
          {"column": "age", "steps": [{"op": "standardise"}]}]}""").fit(frame);
    ModelTrainer trainer = ModelTrainer.of(Task.CLASSIFICATION, "logistic_regression", Map.of("seed", 3));
    return ModelBundle.builder(features, trainer.train(features.apply(frame), frame.column("churned")), "churned")
        .trainer(trainer.spec()).referenceStatistics(Profiler.profile(csv)).build().write(dir.resolve("bundle"));
  }

  /** Registers the bundle as churn version 1, as an MLflow 3 client logs a model. */
  static void register(String url, Path bundle) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    call(http, url, "POST", "/api/2.0/mlflow/registered-models/create", "{\"name\":\"churn\"}");
    String experiment = call(http, url, "POST", "/api/2.0/mlflow/experiments/create", "{\"name\":\"alerts\"}")
        .get("experiment_id").asText();
    JsonNode info = call(http, url, "POST", "/api/2.0/mlflow/logged-models", "{\"experiment_id\":\"" + experiment
        + "\",\"name\":\"churn\"}").at("/model/info");
    String artifactUri = info.get("artifact_uri").asText();
    String storePath = artifactUri.substring("mlflow-artifacts:/".length());
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/2.0/mlflow-artifacts/artifacts/"
            + storePath + "/model/" + bundle.relativize(f).toString().replace('\\', '/')))
            .PUT(HttpRequest.BodyPublishers.ofFile(f)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
    }
    Map<String, String> version = new HashMap<>(Map.of("name", "churn", "source", artifactUri,
        "model_id", info.get("model_id").asText()));
    call(http, url, "POST", "/api/2.0/mlflow/model-versions/create", Json.write(version));
  }

  static JsonNode call(HttpClient http, String url, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }
}
