package dev.cairn.cli;

import static dev.cairn.cli.Cli.cairnWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli.Result;
import dev.cairn.client.CairnClient;
import dev.cairn.server.CairnServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every option read from the environment (injected here, never the process's), and named in --help. */
class EnvironmentDefaultsTest {
  @TempDir static Path serverDir;
  static CairnServer server;
  static String experimentId;

  @BeforeAll
  static void startServer() {
    server = Cli.startServer(serverDir);
    CairnClient client = CairnClient.connect(server.url());
    experimentId = client.createExperiment("env");
    for (String name : new String[] {"first", "second", "third"}) {
      client.run(experimentId, name, run -> {});
    }
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void trackingUriAndCommandOptionsComeFromCairnVariables() {
    Result r = cairnWith(Map.of("CAIRN_TRACKING_URI", server.url(), "CAIRN_RUNS_LIST_EXPERIMENT_ID", experimentId),
        "runs", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("first", "second", "third");
  }

  @Test
  void mlflowsVariableNamesWorkToo() {
    Result r = cairnWith(Map.of("MLFLOW_TRACKING_URI", server.url(), "MLFLOW_EXPERIMENT_ID", experimentId),
        "runs", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("first", "second", "third");
  }

  @Test
  void aFlagOnTheCommandLineBeatsTheEnvironment() {
    Map<String, String> env = Map.of("CAIRN_TRACKING_URI", server.url(), "CAIRN_RUNS_LIST_MAX_RESULTS", "1");
    Result limited = cairnWith(env, "runs", "list", "--experiment-id", experimentId);
    assertThat(limited.out().lines().count()).isEqualTo(2);
    assertThat(limited.err()).contains("more runs");
    Result flag = cairnWith(env, "runs", "list", "--experiment-id", experimentId, "--max-results", "10");
    assertThat(flag.out().lines().count()).isEqualTo(4);
  }

  @Test
  void onlyCommandsThatTalkToATrackingServerTakeTrackingUri() {
    CommandLine cl = Main.commandLine(Map.of());
    assertThat(cl.getSubcommands().get("server").getCommandSpec().findOption("--tracking-uri")).isNull();
    assertThat(cl.getSubcommands().get("data").getSubcommands().get("log").getCommandSpec()
        .findOption("--tracking-uri")).isNull();
    Result r = Cli.cairn("server", "--tracking-uri", server.url());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--tracking-uri").hasLineCount(1);
    for (String[] args : new String[][] {
        {"--tracking-uri", server.url(), "runs", "list", "--experiment-id", experimentId},
        {"runs", "--tracking-uri", server.url(), "list", "--experiment-id", experimentId},
        {"runs", "list", "--experiment-id", experimentId, "--tracking-uri", server.url()}}) {
      Result listed = Cli.cairn(args);
      assertThat(listed.exitCode()).as(String.join(" ", args) + ": " + listed.err()).isZero();
      assertThat(listed.out()).contains("first");
    }
  }

  @Test
  void helpNeverPrintsAStoreUriFromTheEnvironment() {
    Result r = cairnWith(Map.of("CAIRN_BACKEND_STORE_URI", "postgresql://cairn:hunter2@db:5432/cairn"), "server", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).doesNotContain("hunter2").contains("sqlite:./cairn-data/cairn.db");
  }

  @Test
  void booleanFlagsReadTrue() {
    Result r = cairnWith(Map.of("CAIRN_TRACKING_URI", server.url(), "CAIRN_EXPERIMENTS_LIST_JSON", "true"),
        "experiments", "list");
    assertThat(r.out()).startsWith("{").contains("\"experiments\"");
  }

  @Test
  void theServerReadsItsStoreFromCairnAndMlflowVariablesInThatOrder() throws Exception {
    // the test server holds this data folder: a server that picked it up names the holder
    String held = "sqlite:" + serverDir.resolve("cairn.db");
    String artifacts = "file:" + serverDir.resolve("artifacts");
    String refused = "postgresql://127.0.0.1:" + closedPort() + "/cairn";
    for (Map<String, String> env : List.of(
        Map.of("CAIRN_BACKEND_STORE_URI", held, "CAIRN_ARTIFACTS_URI", artifacts),
        Map.of("MLFLOW_BACKEND_STORE_URI", held, "MLFLOW_ARTIFACTS_DESTINATION", artifacts),
        Map.of("CAIRN_SERVER_BACKEND_STORE_URI", held, "CAIRN_BACKEND_STORE_URI", refused,
            "MLFLOW_BACKEND_STORE_URI", refused, "CAIRN_SERVER_ARTIFACTS_URI", artifacts))) {
      Result r = cairnWith(env, "server", "--port", "0");
      assertThat(r.exitCode()).as(env.toString()).isEqualTo(1);
      assertThat(r.err()).as(env.toString()).contains("is in use by a Cairn server").hasLineCount(1);
    }
    Result fromMlflowOnly = cairnWith(Map.of("MLFLOW_BACKEND_STORE_URI", refused), "server", "--port", "0");
    assertThat(fromMlflowOnly.err()).contains("refused the connection");
  }

  @Test
  void badValuesFromTheEnvironmentAreUsageErrors() {
    Result port = cairnWith(Map.of("MLFLOW_PORT", "eighty"), "server");
    assertThat(port.exitCode()).isEqualTo(2);
    assertThat(port.err()).contains("eighty").hasLineCount(1);
    Result host = cairnWith(Map.of("CAIRN_SERVER_HOST", "no-such-host.invalid"), "server", "--port", "0");
    assertThat(host.exitCode()).isEqualTo(2);
    assertThat(host.err()).contains("no-such-host.invalid", "does not resolve");
  }

  @Test
  void variableNamesFollowOneScheme() {
    CommandLine cl = Main.commandLine(Map.of());
    assertThat(variables(cl, "runs list", "--max-results")).containsExactly("CAIRN_RUNS_LIST_MAX_RESULTS");
    assertThat(variables(cl, "server", "--backend-store-uri"))
        .containsExactly("CAIRN_SERVER_BACKEND_STORE_URI", "CAIRN_BACKEND_STORE_URI", "MLFLOW_BACKEND_STORE_URI");
    assertThat(variables(cl, "server", "--artifacts-uri"))
        .containsExactly("CAIRN_SERVER_ARTIFACTS_URI", "CAIRN_ARTIFACTS_URI", "MLFLOW_ARTIFACTS_DESTINATION");
    assertThat(variables(cl, "server", "--port")).containsExactly("CAIRN_SERVER_PORT", "MLFLOW_PORT");
    assertThat(variables(cl, "", "--tracking-uri")).containsExactly("CAIRN_TRACKING_URI", "MLFLOW_TRACKING_URI");
    assertThat(variables(cl, "runs get", "--tracking-uri")).containsExactly("CAIRN_TRACKING_URI", "MLFLOW_TRACKING_URI");
    assertThat(variables(cl, "experiments", "--tracking-uri"))
        .containsExactly("CAIRN_TRACKING_URI", "MLFLOW_TRACKING_URI");
    assertThat(variables(cl, "data log", "--backend-store-uri"))
        .containsExactly("CAIRN_DATA_LOG_BACKEND_STORE_URI", "CAIRN_BACKEND_STORE_URI");
  }

  @Test
  void everyOptionOfEveryCommandNamesItsVariablesInHelp() {
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (CommandLine command : allCommands(Main.commandLine(Map.of()))) {
      StringWriter help = new StringWriter();
      command.usage(new PrintWriter(help));
      String text = help.toString().replaceAll("\\s+", " ");
      for (OptionSpec option : command.getCommandSpec().options()) {
        List<String> names = EnvironmentDefaults.variables(option);
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        checked++;
        String expected = "Environment: " + String.join(", ", names.stream().map(n -> "$" + n).toList());
        if (names.isEmpty() || !text.contains(expected)) {
          missing.add(command.getCommandSpec().qualifiedName() + " " + option.longestName());
        }
      }
    }
    assertThat(checked).isGreaterThan(40);
    assertThat(missing).isEmpty();
  }

  @Test
  void buildingOnlyTheNamedGroupGivesTheSameHelpAsBuildingAll() {
    assertThat(help(Main.commandLine(Map.of(), new String[] {"--help"}))).isEqualTo(help(Main.commandLine(Map.of())));
    for (Class<?> group : Main.GROUPS) {
      String name = group.getAnnotation(CommandLine.Command.class).name();
      CommandLine lazy = Main.commandLine(Map.of(), new String[] {"--tracking-uri", "http://x:1", name, "--help"});
      assertThat(help(lazy.getSubcommands().get(name)))
          .isEqualTo(help(Main.commandLine(Map.of()).getSubcommands().get(name)));
    }
    assertThat(Main.groupNamed(new String[] {"--tracking-uri", "runs", "experiments", "list"})).isEqualTo("experiments");
    assertThat(Main.groupNamed(new String[] {"--tracking-uri=http://x:1", "runs"})).isEqualTo("runs");
    assertThat(Main.groupNamed(new String[] {"--version"})).isNull();
  }

  private static String help(CommandLine cl) {
    StringWriter out = new StringWriter();
    cl.usage(new PrintWriter(out));
    return out.toString();
  }

  private static List<String> variables(CommandLine root, String path, String option) {
    CommandLine command = root;
    for (String name : path.isEmpty() ? new String[0] : path.split(" ")) {
      command = command.getSubcommands().get(name);
    }
    return EnvironmentDefaults.variables(command.getCommandSpec().findOption(option));
  }

  private static List<CommandLine> allCommands(CommandLine root) {
    List<CommandLine> all = new ArrayList<>(List.of(root));
    root.getSubcommands().values().forEach(sub -> all.addAll(allCommands(sub)));
    return all;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
