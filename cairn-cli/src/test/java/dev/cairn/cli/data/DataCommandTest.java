package dev.cairn.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    Cli.Result r = Cli.onStores(tmp, "artifacts", "data", args);
    out = r.out();
    err = r.err();
    return r.exitCode();
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
  void readingCommandsNeverMigrateAndRefuseADatabaseOfAnotherCairnVersion() throws Exception {
    run("add", data.toString(), "--name", "churn", "-m", "first cut");
    String url = "jdbc:sqlite:" + tmp.resolve("db/cairn.db");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
      // as a newer Cairn would leave it: one migration more than this build carries
      s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) VALUES (999, '99999', 'from the future', 'SQL',"
          + " 'V99999__from_the_future.sql', 1, 'test', 0, 1)");
    }

    for (String[] command : List.of(new String[] {"log", "churn"}, new String[] {"show", "churn@1"},
        new String[] {"diff", "churn@1", "churn@1"})) {
      assertThat(run(command)).as(String.join(" ", command)).isEqualTo(1);
      assertThat(err).startsWith("cairn: the database ").contains("newer Cairn").contains("99999");
      assertThat(err.lines().count()).isEqualTo(1);
    }

    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
      // now as a Cairn before migration 13 left it (its one index it replaced is back)
      s.execute("DELETE FROM flyway_schema_history WHERE version IN ('99999', '13')");
      s.execute("DROP INDEX tags_key_value");
      s.execute("CREATE INDEX tags_key ON tags (key)");
    }
    assertThat(run("log", "churn")).isEqualTo(1);
    assertThat(err).contains("older Cairn").contains("lacks migration(s) 13").contains("cairn server");
    assertThat(run("add", data.toString(), "--name", "churn")).as("a writing command migrates").isEqualTo(0);
    assertThat(run("log", "churn")).isEqualTo(0);
    assertThat(out).contains("first cut");
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
  void failuresAreOneCairnLineWithExitOneAndBadArgumentsExitTwo() {
    run("add", data.toString(), "--name", "churn");

    assertThat(run("get", "churn@9", tmp.resolve("x").toString())).isEqualTo(1);
    assertThat(err).isEqualTo("cairn: dataset 'churn' has no version 9; its versions are 1..1\n");
    assertThat(run("log", "nope")).isEqualTo(1);
    assertThat(err).isEqualTo("cairn: dataset 'nope' does not exist\n");
    assertThat(run("diff", "churn@x", "churn")).isEqualTo(2);
    assertThat(err.lines()).singleElement().asString().startsWith("cairn: ").contains("churn@x");
    assertThat(run("add", data.toString(), "--name", "churn", "--tag", "novalue")).isEqualTo(2);
    assertThat(err).startsWith("cairn: --tag 'novalue' has no key").hasLineCount(1);
    assertThat(run("show", "churn", "--bogus")).isEqualTo(2);
    assertThat(err).startsWith("cairn: Unknown option: '--bogus'").hasLineCount(1);
    assertThat(run("gc", "--grace", "soon")).isEqualTo(2);
    assertThat(err).startsWith("cairn: --grace 'soon' is not a duration").hasLineCount(1);
    for (String[] command : new String[][] {{"show", "nope"}, {"drift", "nope", "nope"}, {"suggest", "nope"},
        {"validate", "nope", "--suite", "x.yaml"}, {"diff", "nope", "churn"}, {"get", "nope"}}) {
      assertThat(run(command)).as(String.join(" ", command)).isEqualTo(1);
      assertThat(err).as(String.join(" ", command)).startsWith("cairn: ").hasLineCount(1);
    }
  }

  @Test
  void aRaggedCsvFailsTheAddWithOneLineNamingFileLineAndColumnsAndAddsNothing() throws IOException {
    Files.writeString(data.resolve("train.csv"), "id,label\n1,0\n2\n");
    assertThat(run("add", data.toString(), "--name", "churn")).isEqualTo(1);
    assertThat(err).hasLineCount(1).startsWith("cairn: file '" + data.resolve("train.csv") + "' line 3 column 2:")
        .contains("row has 1 fields but the header has 2", "--allow-unparsed");
    assertThat(run("log", "churn")).isEqualTo(1);
    assertThat(run("add", data.toString(), "--name", "churn", "--allow-unparsed")).isEqualTo(0);
    assertThat(out).startsWith("churn@1 added: 2 files");
  }

  @Test
  void getRefusesToOverwriteAnEditedFileUnlessForced() throws IOException {
    run("add", data.toString(), "--name", "churn");
    Path restored = tmp.resolve("restored");
    assertThat(run("get", "churn@1", restored.toString())).isEqualTo(0);
    Files.writeString(restored.resolve("train.csv"), "id,label\n1,1\n");

    assertThat(run("get", "churn@1", restored.toString())).isEqualTo(1);
    assertThat(err).hasLineCount(1).contains("train.csv", "--force");
    assertThat(Files.readString(restored.resolve("train.csv"))).isEqualTo("id,label\n1,1\n");
    assertThat(run("get", "churn@1", restored.toString(), "--force")).isEqualTo(0);
    assertThat(Files.readString(restored.resolve("train.csv"))).isEqualTo("id,label\n1,0\n2,1\n");
  }

  @Test
  void gcDryRunReportsAnOrphanBlobAndGcWithoutGraceDeletesIt() throws IOException {
    run("add", data.toString(), "--name", "churn");
    Path orphan = tmp.resolve("artifacts/datasets/blobs/ab/ab" + "0".repeat(62));
    Files.createDirectories(orphan.getParent());
    Files.writeString(orphan, "left by a killed add");

    assertThat(run("gc", "--dry-run", "--grace", "0")).isEqualTo(0);
    assertThat(out).startsWith("would delete 1 blob (20 B); kept 3 referenced");
    assertThat(orphan).exists();
    assertThat(run("gc")).isEqualTo(0);
    assertThat(out).startsWith("deleted 0 blobs (0 B)").contains("1 waiting for the grace period");
    assertThat(run("gc", "--grace", "0")).isEqualTo(0);
    assertThat(out).startsWith("deleted 1 blob (20 B)");
    assertThat(orphan).doesNotExist();
    assertThat(run("get", "churn@1", tmp.resolve("again").toString())).isEqualTo(0);
  }

  @Test
  void showAndDriftPrintJsonWithQuantilesFromTheStoredProfile() throws IOException {
    StringBuilder csv = new StringBuilder("x\n");
    for (int i = 1; i <= 100; i++) {
      csv.append(i).append('\n');
    }
    Files.writeString(data.resolve("train.csv"), csv);
    run("add", data.toString(), "--name", "churn");

    assertThat(run("show", "churn@1", "--table", "train.csv", "--quantiles", "0.1,0.9,0.99")).isEqualTo(0);
    assertThat(out).contains("train.csv: 100 rows").containsPattern("x +integer +100 +0 +100 +50.5 +10 +90 +99");
    assertThat(run("show", "churn@1", "--json", "--quantiles", "0.9")).isEqualTo(0);
    com.fasterxml.jackson.databind.JsonNode shown = dev.cairn.core.Json.MAPPER.readTree(out);
    assertThat(shown.at("/version/version").asInt()).isEqualTo(1);
    assertThat(shown.at("/files/1/path").asText()).isEqualTo("train.csv");
    assertThat(shown.at("/tables/train.csv/requestedQuantiles/x/0.9").asDouble()).isEqualTo(90.0);
    assertThat(shown.at("/tables/train.csv/rowCount").asLong()).isEqualTo(100);
    String firstShow = out;
    run("show", "churn@1", "--json", "--quantiles", "0.9");
    assertThat(out).isEqualTo(firstShow);

    assertThat(run("drift", "churn@1", "churn@1", "--json")).isEqualTo(0);
    com.fasterxml.jackson.databind.JsonNode drift = dev.cairn.core.Json.MAPPER.readTree(out);
    assertThat(drift.at("/train.csv/columns/0/column").asText()).isEqualTo("x");
    assertThat(drift.at("/train.csv/columns/0/statistic").asDouble()).isZero();
    assertThat(drift.at("/train.csv/datasetDrift").asBoolean()).isFalse();
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
    assertThat(err).isEqualTo("cairn: validation of churn@2 failed\n");

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
