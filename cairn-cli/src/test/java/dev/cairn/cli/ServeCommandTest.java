package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.ml.train.Predictions;
import dev.cairn.serving.protocol.CsvRows;
import dev.cairn.serving.runtime.LoadedModel;
import dev.cairn.serving.runtime.ModelRuntime;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn serve} on a bundle folder answers OIP v2 and /invocations as the runtime predicts, then stops. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void aBundleFolderIsServedOverOipAndInvocationsWithTheRuntimesPredictions() throws Exception {
    Path bundle = ScoreCommandTest.train(dir.resolve("bundle"));
    String csv = ScoreCommandTest.table(20, 9, false);
    List<String> expected;
    try (LoadedModel model = ModelRuntime.defaults().load(bundle);
        CsvRows rows = CsvRows.open(new StringReader(csv), model.inputSchema(), "input")) {
      Predictions p = model.predict(rows.next(1000));
      expected = List.of(p.labels());
    }
    Serving serving = Serving.start("serve", bundle.toString(), "--port", "0", "--name", "churn");
    String url = serving.url();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> invocations = http.send(HttpRequest.newBuilder(URI.create(url + "/invocations"))
          .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(invocations.statusCode()).as(invocations.body()).isEqualTo(200);
      List<String> labels = new ArrayList<>();
      Json.MAPPER.readTree(invocations.body()).get("predictions").forEach(p -> labels.add(p.get("label").asText()));
      assertThat(labels).isEqualTo(expected);

      String row = csv.lines().skip(1).findFirst().orElseThrow();
      String[] cells = row.split(",", -1);
      String oipBody = "{\"inputs\":[{\"name\":\"tenure\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":["
          + (cells[1].isEmpty() ? "null" : cells[1]) + "]},{\"name\":\"plan\",\"shape\":[1],\"datatype\":\"BYTES\","
          + "\"data\":[\"" + cells[2] + "\"]},{\"name\":\"age\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":["
          + cells[3] + "]}]}";
      HttpResponse<String> oip = http.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/churn/infer"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(oipBody)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(oip.statusCode()).as(oip.body()).isEqualTo(200);
      JsonNode answer = Json.MAPPER.readTree(oip.body());
      assertThat(answer.at("/outputs/0/data/0").asText()).isEqualTo(expected.get(0));
      assertThat(answer.get("model_version").asText()).isEqualTo("1");

      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(url + "/v2/models/other/ready"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
      assertThat(Json.MAPPER.readTree(other.body()).get("error").asText()).contains("serves 'churn'");
    } finally {
      serving.stop();
    }
  }

  @Test
  void servingNeedsAModelOrDeploymentsButNotBoth() {
    Cli.Result none = Cli.cairn("serve", "--port", "0");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("MODEL is missing").contains("--deployments");
    Cli.Result both = Cli.cairn("serve", dir.toString(), "--deployments", "churn", "--port", "0");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
  }

  @Test
  void aReplicaOnSqliteIsRefusedBeforeItOpensTheDatabase() {
    Cli.Result r = Cli.cairn("serve", "--deployments", "churn", "--port", "0", "--backend-store-uri",
        "sqlite:" + dir.resolve("data/cairn.db"));
    assertThat(r.exitCode()).as(r.err()).isNotZero();
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).contains("is SQLite").contains("PostgreSQL").contains("cairn server");
    assertThat(dir.resolve("data/cairn.db")).doesNotExist();
  }

  @Test
  void aBadDeploymentNameIsRefusedNamingIt() {
    Cli.Result r = Cli.cairn("serve", "--deployments", "churn,no spaces", "--port", "0", "--backend-store-uri",
        "postgresql://localhost:1/none");
    assertThat(r.exitCode()).as(r.err()).isNotZero();
    assertThat(r.err()).contains("deployment name 'no spaces' is not valid");
  }

  /** {@code cairn serve ...} running in a thread, as until Ctrl-C; {@link #stop} interrupts it. */
  record Serving(Thread thread, String url, StringWriter out) {
    private static final Pattern STARTED = Pattern.compile(" on (http://127\\.0\\.0\\.1:\\d+)");

    static Serving start(String... args) throws InterruptedException {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Main.commandLine(java.util.Map.of(), args);
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      Thread serving = new Thread(() -> cli.execute(args));
      serving.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Matcher m;
      while (!(m = STARTED.matcher(out.toString())).find()) {
        assertThat(System.nanoTime()).as("serve did not start: " + out + err).isLessThan(deadline);
        assertThat(serving.isAlive()).as("serve stopped: " + out + err).isTrue();
        Thread.sleep(20);
      }
      return new Serving(serving, m.group(1), out);
    }

    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(thread.isAlive()).isFalse();
    }
  }
}
