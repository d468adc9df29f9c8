package dev.cairn.cli;

import static dev.cairn.cli.Cli.cairn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.Cli.Result;
import dev.cairn.client.ActiveRun;
import dev.cairn.client.CairnClient;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runs and artifacts subcommands against an in-process server, checked through the REST API and SDK. */
class TrackingCommandsTest {
  @TempDir static Path serverDir;
  static CairnServer server;
  static CairnClient client;

  @BeforeAll
  static void startServer() {
    server = Cli.startServer(serverDir);
    client = CairnClient.connect(server.url());
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  static Result tracked(String... args) {
    return Cli.tracked(server, args);
  }

  static JsonNode rest(String pathAndQuery) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/" + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void createRecordsAFinishedRunWithItsParamsMetricsAndTags() {
    String exp = client.createExperiment("create");
    Result r = tracked("runs", "create", "--experiment-id", exp, "--name", "shell-job", "--param", "lr=0.1",
        "--param", "model=a=b", "--metric", "acc=0.91", "--metric", "loss=-2e-3", "--tag", "team=red");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String runId = r.out().strip();
    assertThat(runId).matches("[0-9a-f]{32}");
    var run = client.getRun(runId);
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().runName()).isEqualTo("shell-job");
    assertThat(run.params()).extracting(p -> p.key() + "=" + p.value()).containsExactlyInAnyOrder("lr=0.1", "model=a=b");
    assertThat(run.metrics()).extracting(m -> m.key() + "=" + m.value())
        .containsExactlyInAnyOrder("acc=0.91", "loss=-0.002");
    assertThat(run.tags()).extracting(t -> t.key() + "=" + t.value()).contains("team=red");
  }

  @Test
  void createRefusesBadPairsBeforeAnyRunExists() {
    String exp = client.createExperiment("create-bad");
    for (String[] bad : new String[][] {{"--metric", "acc=high"}, {"--param", "novalue"}, {"--param", "bad key!=1"},
        {"--tag", "=x"}}) {
      Result r = tracked("runs", "create", "--experiment-id", exp, bad[0], bad[1]);
      assertThat(r.exitCode()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", bad)).startsWith("cairn: ").hasLineCount(1);
    }
    assertThat(client.searchRuns(List.of(exp), null, List.of(), 10, null).items()).isEmpty();
  }

  @Test
  void runsGetJsonIsTheRestApisAnswer() throws Exception {
    String exp = client.createExperiment("json-shape");
    String runId = client.run(exp, "shaped", run -> {
      run.logParam("depth", "7");
      run.logMetric("loss", 0.5, 1);
      run.logMetric("overflow", Double.POSITIVE_INFINITY, 2);
      run.logMetric("underflow", Double.NEGATIVE_INFINITY, 2);
      run.logMetric("undefined", Double.NaN, 2);
      run.setTag("team", "red");
    });
    client.logInputs(runId, List.of(new DatasetInput("churn", "abc123", "local", "file:/tmp/churn.csv",
        "{\"cols\":1}", null, List.of(new Tag("mlflow.data.context", "train")))));

    Result r = tracked("runs", "get", runId, "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(rest("runs/get?run_id=" + runId));
    assertThat(r.out()).contains("\"NaN\"", "\"dataset_inputs\"", "\"mlflow.data.context\"");
  }

  @Test
  void runsSearchJsonIsTheRestApisShape() throws Exception {
    String exp = client.createExperiment("json-search");
    String runId = client.run(exp, "one", run -> run.logMetric("acc", 0.9));
    Result r = tracked("runs", "search", "--experiment-id", exp, "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode runs = Json.MAPPER.readTree(r.out()).path("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0)).isEqualTo(rest("runs/get?run_id=" + runId).path("run"));
  }

  @Test
  void historyListsEveryPointByStepAsTableAndAsTheRestAnswer() throws Exception {
    String runId = client.run(client.createExperiment("history"), "h", run -> {
      for (int step = 0; step < 5; step++) {
        run.logMetric("loss", 1.0 / (step + 1), step);
      }
      run.logMetric("other", 3, 0);
    });
    Result table = tracked("runs", "history", runId, "loss");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out().lines().skip(1).map(l -> l.split("\\s+")[0] + "=" + l.split("\\s+")[1]).toList())
        .containsExactly("0=1", "1=0.5", "2=0.3333333333333333", "3=0.25", "4=0.2");

    Result json = tracked("runs", "history", runId, "loss", "--json");
    assertThat(Json.MAPPER.readTree(json.out()))
        .isEqualTo(rest("metrics/get-history?run_id=" + runId + "&metric_key=loss"));

    Result none = tracked("runs", "history", runId, "missing");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out().strip()).isEqualTo("STEP  VALUE  TIME");
  }

  @Test
  void endSetsATerminalStatusAndRefusesOthers() {
    ActiveRun open = client.startRun(client.createExperiment("end"), "crashed");
    String runId = open.runId();
    Result ended = tracked("runs", "end", runId, "--status", "killed");
    assertThat(ended.exitCode()).as(ended.err()).isZero();
    assertThat(ended.out().strip()).isEqualTo(runId + " KILLED");
    assertThat(client.getRun(runId).info().status()).isEqualTo(RunStatus.KILLED);
    assertThat(client.getRun(runId).info().endTime()).isNotNull();

    Result running = tracked("runs", "end", runId, "--status", "RUNNING");
    assertThat(running.exitCode()).isEqualTo(2);
    assertThat(running.err()).startsWith("cairn: --status 'RUNNING'").hasLineCount(1);
    Result bogus = tracked("runs", "end", runId, "--status", "done");
    assertThat(bogus.exitCode()).isEqualTo(2);

    Result byDefault = tracked("runs", "end", client.startRun(client.createExperiment("end-2"), "x").runId());
    assertThat(byDefault.out()).endsWith(" FINISHED\n");
  }

  @Test
  void deleteAndRestoreChangeTheLifecycleStage() {
    String exp = client.createExperiment("lifecycle");
    String runId = client.run(exp, "doomed", run -> {});
    Result deleted = tracked("runs", "delete", runId);
    assertThat(deleted.exitCode()).as(deleted.err()).isZero();
    assertThat(deleted.out().strip()).isEqualTo(runId);
    assertThat(client.getRun(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(tracked("runs", "list", "--experiment-id", exp).out()).doesNotContain(runId);

    Result restored = tracked("runs", "restore", runId);
    assertThat(restored.exitCode()).as(restored.err()).isZero();
    assertThat(client.getRun(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(tracked("runs", "list", "--experiment-id", exp).out()).contains(runId);

    Result missing = tracked("runs", "delete", "0123456789abcdef0123456789abcdef");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("cairn: ").contains("0123456789abcdef0123456789abcdef").hasLineCount(1);
  }

  @Test
  void uploadingADirectoryKeepsRelativePathsAndDownloadsBackTheSameBytes(@TempDir Path tmp) throws IOException {
    String runId = client.run(client.createExperiment("upload-dir"), "u", run -> {});
    Path dir = Files.createDirectories(tmp.resolve("outputs"));
    Random random = new Random(11);
    byte[] big = new byte[70_000];
    random.nextBytes(big);
    Files.writeString(dir.resolve("a.txt"), "alpha");
    Files.createDirectories(dir.resolve("sub/deeper"));
    Files.writeString(dir.resolve("sub/b.txt"), "beta");
    Files.write(dir.resolve("sub/deeper/c.bin"), big);
    Files.createDirectories(dir.resolve("empty"));

    Result up = tracked("artifacts", "upload", runId, dir.toString(), "--artifact-path", "results/");
    assertThat(up.exitCode()).as(up.err()).isZero();
    assertThat(up.out().lines().toList())
        .containsExactly("results/a.txt", "results/sub/b.txt", "results/sub/deeper/c.bin");

    Result root = tracked("artifacts", "upload", runId, dir.resolve("sub").toString());
    assertThat(root.out().lines().toList()).containsExactly("b.txt", "deeper/c.bin");

    Path back = tmp.resolve("back");
    Result down = tracked("artifacts", "download", runId, "results", "--dest", back.toString());
    assertThat(down.exitCode()).as(down.err()).isZero();
    assertThat(Files.readString(back.resolve("results/a.txt"))).isEqualTo("alpha");
    assertThat(Files.readString(back.resolve("results/sub/b.txt"))).isEqualTo("beta");
    assertThat(Files.readAllBytes(back.resolve("results/sub/deeper/c.bin"))).isEqualTo(big);
  }

  @Test
  void downloadedFilesGetTheUmasksPermissions(@TempDir Path tmp) throws IOException {
    String runId = client.run(client.createExperiment("umask"), "p", run -> {});
    Path local = Files.writeString(tmp.resolve("report.txt"), "hello");
    assertThat(tracked("artifacts", "upload", runId, local.toString()).exitCode()).isZero();

    String expected = permissions(0666 & ~umask()); // what a new file gets when nobody forces a mode
    Result down = tracked("artifacts", "download", runId, "report.txt", "--dest", tmp.resolve("out").toString());
    assertThat(down.exitCode()).as(down.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("out/report.txt"))))
        .isEqualTo(expected);
  }

  /** The process umask from /proc (Linux). */
  private static int umask() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
        .map(l -> Integer.parseInt(l.substring("Umask:".length()).strip(), 8)).findFirst().orElseThrow();
  }

  /** An octal mode as ls shows it: 0644 gives rw-r--r--. */
  private static String permissions(int mode) {
    StringBuilder s = new StringBuilder();
    for (int bit = 8; bit >= 0; bit--) {
      s.append((mode & (1 << bit)) == 0 ? '-' : "rwx".charAt((8 - bit) % 3));
    }
    return s.toString();
  }

  @Test
  void aRefusedDatabaseConnectionIsOneLineNamingHostAndPort() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Result r = cairn("server", "--port", "0", "--backend-store-uri",
        "postgresql://cairn:hunter2@127.0.0.1:" + closed + "/cairn");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).startsWith("cairn: the metadata store at 127.0.0.1:" + closed + " refused the connection")
        .contains("check that the database server is running").doesNotContain("hunter2", "Exception");
  }

  @Test
  void hostAndPortComesFromEveryPostgresUriForm() {
    assertThat(Main.hostAndPort("postgresql://u:p@db.example:6543/cairn?ssl=true")).isEqualTo("db.example:6543");
    assertThat(Main.hostAndPort("postgresql://db.example/cairn")).isEqualTo("db.example:5432");
    assertThat(Main.hostAndPort("jdbc:postgresql://10.0.0.5:5433/cairn?user=u")).isEqualTo("10.0.0.5:5433");
    assertThat(Main.hostAndPort("postgresql://[::1]:5440/cairn")).isEqualTo("[::1]:5440");
    assertThat(Main.hostAndPort("postgresql:///cairn")).isEqualTo("localhost:5432");
  }
}
