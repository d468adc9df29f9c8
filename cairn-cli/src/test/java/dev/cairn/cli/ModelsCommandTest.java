package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.Cli.Result;
import dev.cairn.client.CairnClient;
import dev.cairn.core.Json;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn models} against a real server: register, alias, resolve, download, and its errors and exit codes. */
class ModelsCommandTest {
  @TempDir Path serverDir;
  @TempDir Path tmp;
  CairnServer server;

  @BeforeEach
  void start() {
    server = Cli.startServer(serverDir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Result ok(String... args) {
    Result r = Cli.tracked(server, args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  private String runWithModel() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("weights.txt"), "w=1");
    try (CairnClient client = CairnClient.connect(server.url())) {
      String runId = client.run(client.createExperiment("cli-models"), "train", run -> {});
      client.uploadArtifacts(runId, model, "model");
      return runId;
    }
  }

  @Test
  void createRegisterAliasResolveAndDownload() throws Exception {
    String runId = runWithModel();
    assertThat(ok("models", "create", "churn", "--description", "predicts churn", "--tag", "team=ml").out())
        .isEqualTo("churn\n");
    assertThat(ok("models", "register", "churn", "--run", runId, "--path", "model").out())
        .isEqualTo("churn version 1\n");
    assertThat(ok("models", "register", "churn", "--source", "runs:/" + runId + "/model").out())
        .isEqualTo("churn version 2\n");
    assertThat(ok("models", "alias", "set", "churn", "champion", "1").out())
        .isEqualTo("models:/churn@champion -> 1\n");

    String list = ok("models", "list").out();
    assertThat(list).startsWith("NAME").contains("churn").contains("champion=1");
    String show = ok("models", "show", "churn").out();
    assertThat(show).contains("predicts churn", "champion=1", "team");
    String versions = ok("models", "versions", "churn").out();
    assertThat(versions.lines().skip(1).map(l -> l.split("\\s+")[0]).toList()).containsExactly("2", "1");
    JsonNode json = Json.MAPPER.readTree(ok("models", "versions", "churn", "--json").out());
    assertThat(json.at("/model_versions/1/aliases/0").asText()).isEqualTo("champion");

    String resolved = ok("models", "resolve", "models:/churn@champion").out();
    assertThat(resolved).contains("version       1", "run_id        " + runId, "/" + runId + "/artifacts/model");
    Result download = ok("models", "download", "models:/churn/1", "--dest", tmp.resolve("out").toString());
    assertThat(download.out().strip()).isEqualTo(tmp.resolve("out").toString());
    assertThat(Files.readString(tmp.resolve("out/weights.txt"))).isEqualTo("w=1");

    assertThat(ok("models", "alias", "delete", "churn", "champion").out()).isEqualTo("models:/churn@champion deleted\n");
    Result gone = Cli.tracked(server, "models", "resolve", "models:/churn@champion");
    assertThat(gone.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(gone.err()).startsWith("cairn: Registered model alias champion not found");
  }

  @Test
  void badArgumentsExitTwoAndServerRefusalsExitOne() {
    Result malformed = Cli.tracked(server, "models", "resolve", "models:/churn");
    assertThat(malformed.exitCode()).isEqualTo(Main.EXIT_USAGE);
    assertThat(malformed.err()).contains("models:/NAME/VERSION", "models:/NAME@ALIAS");
    Result missing = Cli.tracked(server, "models", "show", "ghost");
    assertThat(missing.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(missing.err()).isEqualTo("cairn: Registered Model with name=ghost not found\n");
    ok("models", "create", "m");
    Result duplicate = Cli.tracked(server, "models", "create", "m");
    assertThat(duplicate.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(duplicate.err()).contains("already exists");
    ok("models", "register", "m", "--source", "s3://bucket/m");
    Result reserved = Cli.tracked(server, "models", "alias", "set", "m", "latest", "1");
    assertThat(reserved.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(reserved.err()).contains("reserved");
    Result both = Cli.tracked(server, "models", "register", "m", "--source", "s3://x", "--run", "abc");
    assertThat(both.exitCode()).isEqualTo(Main.EXIT_USAGE);
    Result neither = Cli.tracked(server, "models", "register", "m");
    assertThat(neither.exitCode()).isEqualTo(Main.EXIT_USAGE);
    Result elsewhere = Cli.tracked(server, "models", "download", "models:/m/1", "--dest", tmp.resolve("x").toString());
    assertThat(elsewhere.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(elsewhere.err()).contains("s3://bucket/m");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String[] command : new String[][] {{"models"}, {"models", "list"}, {"models", "show"}, {"models", "create"},
        {"models", "register"}, {"models", "versions"}, {"models", "alias"}, {"models", "alias", "set"},
        {"models", "alias", "delete"}, {"models", "resolve"}, {"models", "download"}}) {
      String[] args = java.util.Arrays.copyOf(command, command.length + 1);
      args[command.length] = "--help";
      Result r = Cli.cairn(args);
      assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: cairn " + String.join(" ", command));
    }
  }

  @Test
  void theTrackingUriComesFromTheEnvironment() {
    Result r = Cli.cairnWith(Map.of("CAIRN_TRACKING_URI", server.url()), "models", "create", "from-env");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Cli.cairnWith(Map.of("CAIRN_TRACKING_URI", server.url()), "models", "list").out()).contains("from-env");
  }
}
