package dev.cairn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {
  @TempDir Path tmp;
  Path data;
  String out;
  String err;

  @BeforeEach
  void setUp() throws IOException {
    data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "id,label\n1,0\n2,1\n");
    Files.writeString(data.resolve("notes.txt"), "first");
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--backend-store-uri", "sqlite:" + tmp.resolve("db/cairn.db"),
        "--artifacts-uri", "file:" + tmp.resolve("artifacts"), "--stat-cache", tmp.resolve("cache").toString()));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cli = new CommandLine(new DataCommand());
    cli.setOut(new PrintWriter(o));
    cli.setErr(new PrintWriter(e));
    int code = cli.execute(all.toArray(String[]::new));
    out = o.toString();
    err = e.toString();
    return code;
  }

  @Test
  void addThenReAddUnchangedPrintsTheSameVersion() {
    assertThat(run("add", data.toString(), "--name", "churn", "-m", "first cut", "--tag", "team=growth"))
        .isEqualTo(0);
    assertThat(out).startsWith("churn@1 added: 2 files");

    assertThat(run("add", data.toString(), "--name", "churn")).isEqualTo(0);
    assertThat(out).startsWith("churn@1 unchanged").contains("hashed 0 files");
  }

  @Test
  void logShowsVersionsNewestFirstWithMessageAndTags() throws IOException {
    run("add", data.toString(), "--name", "churn", "-m", "first cut", "--tag", "team=growth");
    Files.writeString(data.resolve("notes.txt"), "second");
    run("add", data.toString(), "--name", "churn", "-m", "new notes");

    assertThat(run("log", "churn")).isEqualTo(0);
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("VERSION");
    assertThat(lines.get(1)).startsWith("@2").endsWith("new notes");
    assertThat(lines.get(2)).startsWith("@1").endsWith("first cut [team=growth]");
  }

  @Test
  void getRestoresAVersionIntoADirectory() throws IOException {
    run("add", data.toString(), "--name", "churn");
    Files.writeString(data.resolve("notes.txt"), "second");
    run("add", data.toString(), "--name", "churn");

    assertThat(run("get", "churn@1", tmp.resolve("restored").toString())).isEqualTo(0);
    assertThat(Files.readString(tmp.resolve("restored/notes.txt"))).isEqualTo("first");
    assertThat(out).contains("churn@1 -> ").contains("wrote 2 files");
  }

  @Test
  void diffPrintsFileChanges() throws IOException {
    run("add", data.toString(), "--name", "churn");
    Files.writeString(data.resolve("notes.txt"), "second");
    Files.writeString(data.resolve("extra.txt"), "x");
    run("add", data.toString(), "--name", "churn");

    assertThat(run("diff", "churn@1", "churn")).isEqualTo(0);
    assertThat(out).contains("diff churn@1 -> churn@2", "1 added, 0 removed, 1 changed, 1 unchanged",
        "+ extra.txt", "~ notes.txt");
  }

  @Test
  void errorsAreOneLineWithExitCodeOne() {
    run("add", data.toString(), "--name", "churn");

    assertThat(run("get", "churn@9", tmp.resolve("x").toString())).isEqualTo(1);
    assertThat(err).isEqualTo("error: dataset 'churn' has no version 9; its versions are 1..1\n");
    assertThat(run("log", "nope")).isEqualTo(1);
    assertThat(err).isEqualTo("error: dataset 'nope' does not exist\n");
    assertThat(run("diff", "churn@x", "churn")).isEqualTo(1);
    assertThat(err.lines()).hasSize(1);
    assertThat(run("add", data.toString(), "--name", "churn", "--tag", "novalue")).isEqualTo(1);
    assertThat(err).contains("--tag 'novalue' has no key");
  }

  @Test
  void driftReportsDriftedColumnsAndCanFailTheBuild() throws IOException {
    StringBuilder before = new StringBuilder("x\n");
    StringBuilder after = new StringBuilder("x\n");
    for (int i = 0; i < 300; i++) {
      before.append(i % 30).append('\n');
      after.append(500 + i % 30).append('\n');
    }
    Files.writeString(data.resolve("train.csv"), before);
    run("add", data.toString(), "--name", "churn");
    Files.writeString(data.resolve("train.csv"), after);
    run("add", data.toString(), "--name", "churn");

    assertThat(run("drift", "churn@1", "churn@2")).isEqualTo(0);
    assertThat(out).startsWith("train.csv: DRIFT (1 of 1 columns drifted").contains("  x ", "KS", "DRIFT\n");
    assertThat(run("drift", "churn@1", "churn@2", "--fail-on-drift")).isEqualTo(3);
  }

  @Test
  void suggestWritesASuiteThatTheSameVersionPassesAndALaterOneFails() throws IOException {
    run("add", data.toString(), "--name", "churn");
    Path suite = tmp.resolve("suite.yaml");
    assertThat(run("suggest", "churn@1", "-o", suite.toString())).isEqualTo(0);
    assertThat(Files.readString(suite)).contains("label");
    assertThat(run("validate", "churn@1", suite.toString())).isEqualTo(0);
    assertThat(out).startsWith("train.csv: passed (2 rows");

    Files.writeString(data.resolve("train.csv"), "id,label\n1,0\n2,1\n3,9\n");
    run("add", data.toString(), "--name", "churn");
    assertThat(run("validate", "churn@2", suite.toString())).isEqualTo(1);
    assertThat(out).startsWith("train.csv: FAILED (3 rows").contains("label");
    assertThat(err).isEqualTo("error: validation of churn@2 failed\n");

    Path report = tmp.resolve("report.json");
    assertThat(run("validate", "churn@2", "--suite", suite.toString(), "--report", report.toString())).isEqualTo(1);
    com.fasterxml.jackson.databind.JsonNode json = dev.cairn.core.Json.MAPPER.readTree(report.toFile());
    assertThat(json.has("train.csv")).isTrue();
    assertThat(json.toString()).contains("label");
    assertThat(run("validate", "churn@2")).isEqualTo(1);
    assertThat(err).contains("give the expectation suite once");
    assertThat(run("validate", "churn@2", suite.toString(), "--suite", suite.toString())).isEqualTo(1);
    assertThat(err).contains("give the expectation suite once");
  }
}
