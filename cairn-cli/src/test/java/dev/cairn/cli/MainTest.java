package dev.cairn.cli;

import static dev.cairn.cli.Cli.cairn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli.Result;
import dev.cairn.client.CairnClient;
import dev.cairn.core.Hashing;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir static Path serverDir;
  static CairnServer server;

  /** Runs a command against the test server. */
  static Result tracked(String... args) {
    return Cli.tracked(server, args);
  }

  @BeforeAll
  static void startServer() {
    server = Cli.startServer(serverDir);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void aSecondServerOnTheSameDataFolderStopsWithOneLineNamingTheFirst() {
    String samePort = server.url().substring(server.url().lastIndexOf(':') + 1);
    for (String port : new String[] {"0", samePort}) {
      Result r = cairn("server", "--port", port, "--backend-store-uri", "sqlite:" + serverDir.resolve("cairn.db"),
          "--artifacts-uri", "file:" + serverDir.resolve("artifacts"));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.errLines()).isEqualTo(1);
      assertThat(r.err()).as("--port " + port).startsWith("cairn: data folder ")
          .contains("is in use by a Cairn server (pid " + ProcessHandle.current().pid() + " serving " + server.url());
    }
  }

  @Test
  void aMistypedSubcommandSuggestsTheNearestOne() {
    Result r = cairn("experimnts", "list");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).startsWith("cairn: ").contains("did you mean 'experiments'?");
    Result nested = cairn("runs", "serch");
    assertThat(nested.exitCode()).isEqualTo(2);
    assertThat(nested.err()).contains("did you mean 'search'?");
  }

  @Test
  void helpListsEveryCommandGroupAndTheGlobalOption() {
    Result r = cairn("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("server", "experiments", "runs", "artifacts", "--tracking-uri", "--version");
  }

  @Test
  void everyCommandOfTheTreeDrawsItsHelp() {
    List<String[]> commands = new java.util.ArrayList<>();
    collect(Main.commandLine(), new String[0], commands);
    assertThat(commands).hasSizeGreaterThan(50);
    for (String[] cmd : commands) {
      String[] help = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      help[cmd.length] = "--help";
      Result r = cairn(help);
      assertThat(r.exitCode()).as(String.join(" ", help) + ": " + r.err()).isZero();
      assertThat(r.out()).as(String.join(" ", help)).contains("Usage: cairn");
    }
  }

  private static void collect(picocli.CommandLine command, String[] path, List<String[]> out) {
    for (var sub : command.getSubcommands().entrySet()) {
      if (sub.getValue().getCommandSpec().aliases().length > 0
          && java.util.Arrays.asList(sub.getValue().getCommandSpec().aliases()).contains(sub.getKey())) {
        continue; // an alias draws the same help as its command
      }
      String[] next = java.util.Arrays.copyOf(path, path.length + 1);
      next[path.length] = sub.getKey();
      out.add(next);
      collect(sub.getValue(), next, out);
    }
  }

  @Test
  void everySubcommandHasHelpAndVersion() {
    for (String[] cmd : new String[][] {{"server"}, {"experiments", "create"}, {"runs", "search"},
        {"artifacts", "upload"}, {"artifacts", "download"}}) {
      String[] help = java.util.Arrays.copyOf(cmd, cmd.length + 1);
      help[cmd.length] = "--help";
      Result r = cairn(help);
      assertThat(r.exitCode()).as(String.join(" ", help)).isZero();
      assertThat(r.out()).as(String.join(" ", help)).contains("Usage: cairn " + String.join(" ", cmd));
      help[cmd.length] = "--version";
      assertThat(cairn(help).out()).as(String.join(" ", help)).startsWith("cairn ");
    }
    assertThat(cairn("runs", "search", "--help").out()).contains("--filter", "--order-by", "--json");
  }

  @Test
  void versionNamesTheBuildVersion() {
    Result r = cairn("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("cairn 0.1.0").doesNotContain("${project.version}");
  }

  @Test
  void unknownOptionExitsTwoWithOneLineAndNoStackTrace() {
    Result r = cairn("runs", "search", "--experiment-id", "1", "--bogus");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).contains("--bogus").contains("cairn runs search --help").doesNotContain("Exception", "\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingArgumentsAndCommandsExitTwo() {
    Result missing = cairn("runs", "list");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errLines()).isEqualTo(1);
    assertThat(missing.err()).contains("--experiment-id");
    Result noCommand = cairn();
    assertThat(noCommand.exitCode()).isEqualTo(2);
    assertThat(noCommand.err()).contains("experiments").hasLineCount(1);
    Result badPort = cairn("server", "--port", "eighty");
    assertThat(badPort.exitCode()).isEqualTo(2);
    assertThat(badPort.err()).contains("eighty").hasLineCount(1);
  }

  @Test
  void aPortInUseIsOneLineAndTouchesNoDataFolder(@TempDir Path tmp) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Result r = cairn("server", "--port", "" + taken.getLocalPort(), "--backend-store-uri",
          "sqlite:" + tmp.resolve("data/cairn.db"), "--artifacts-uri", "file:" + tmp.resolve("data/artifacts"));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).startsWith("cairn: cannot listen on 127.0.0.1:" + taken.getLocalPort()).hasLineCount(1);
      assertThat(tmp.resolve("data")).doesNotExist();
    }
  }

  @Test
  void anUnresolvableHostIsRefusedWithOneLine() {
    Result r = cairn("server", "--host", "no-such-host.invalid", "--port", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).contains("no-such-host.invalid", "does not resolve");
  }

  @Test
  void serverBannerHidesStorePasswords() {
    assertThat(ServerCommand.redact("postgresql://db:5432/cairn?user=cairn&password=hunter2&ssl=true"))
        .isEqualTo("postgresql://db:5432/cairn?user=cairn&password=***&ssl=true");
    assertThat(ServerCommand.redact("postgresql://cairn:hunter2@db:5432/cairn")).isEqualTo("postgresql://cairn:***@db:5432/cairn");
    assertThat(ServerCommand.redact("sqlite:./cairn-data/cairn.db")).isEqualTo("sqlite:./cairn-data/cairn.db");
  }

  @Test
  void malformedTrackingUriIsABadArgument() {
    Result r = cairn("--tracking-uri", "ftp://example.com", "experiments", "list");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--tracking-uri", "ftp://example.com").hasLineCount(1);
  }

  @Test
  void unreachableServerExitsOneWithOneLine() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = cairn("--tracking-uri", "http://127.0.0.1:" + port, "experiments", "list");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).contains("127.0.0.1:" + port).doesNotContain("\tat ");
  }

  @Test
  void serverErrorsExitOneWithTheServerMessage() {
    Result r = tracked("runs", "get", "0123456789abcdef0123456789abcdef");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines()).isEqualTo(1);
    assertThat(r.err()).contains("0123456789abcdef0123456789abcdef");
  }

  @Test
  void experimentsCreateThenListShowsIt() {
    Result created = tracked("experiments", "create", "cli-churn");
    assertThat(created.exitCode()).isZero();
    String id = created.out().strip();
    assertThat(id).matches("\\d+");

    Result list = tracked("experiments", "list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("NAME");
    assertThat(list.out()).containsPattern("(?m)^" + id + "\\s+cli-churn\\s+active");

    Result json = tracked("experiments", "list", "--json");
    assertThat(json.out()).contains("\"name\" : \"cli-churn\"");
    Result twice = tracked("experiments", "create", "cli-churn");
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err()).contains("cli-churn").hasLineCount(1);
  }

  @Test
  void trackingUriWorksAfterTheSubcommandToo() {
    Result r = cairn("experiments", "create", "cli-after", "--tracking-uri", server.url());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(CairnClient.connect(server.url()).getExperimentByName("cli-after")).isPresent();
  }

  @Test
  void runsSearchFiltersAndOrdersAsTableAndJson() {
    CairnClient client = CairnClient.connect(server.url());
    String exp = client.createExperiment("cli-search");
    for (double acc : new double[] {0.6, 0.95, 0.85}) {
      client.run(exp, "acc-" + acc, run -> run.logMetric("acc", acc));
    }

    Result r = tracked("runs", "search", "--experiment-id", exp, "--filter", "metrics.acc > 0.8",
        "--order-by", "metrics.acc DESC");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines().skip(1).map(l -> l.split("\\s+")[1]).toList())
        .containsExactly("acc-0.95", "acc-0.85");

    Result json = tracked("runs", "search", "--experiment-id", exp, "--filter", "metrics.acc < 0.7", "--json");
    assertThat(json.out()).contains("acc-0.6").doesNotContain("acc-0.95");
    Result list = tracked("runs", "list", "--experiment-id", exp);
    assertThat(list.out().lines().count()).isEqualTo(4);
    Result bad = tracked("runs", "search", "--experiment-id", exp, "--filter", "metrics.acc >>> 1");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.errLines()).isEqualTo(1);
  }

  @Test
  void runsGetShowsParamsMetricsAndTags() {
    CairnClient client = CairnClient.connect(server.url());
    String exp = client.createExperiment("cli-get");
    String runId = client.run(exp, "shown", run -> {
      run.logParam("depth", "7");
      run.logMetric("rmse", 0.25, 3);
    });
    Result r = tracked("runs", "get", runId);
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).containsPattern("status\\s+FINISHED").containsPattern("depth\\s+7")
        .containsPattern("rmse\\s+0.25\\s+3").contains("mlflow.source.type");
  }

  @Test
  void artifactsUploadListDownloadRoundTrip(@TempDir Path tmp) throws IOException {
    CairnClient client = CairnClient.connect(server.url());
    String runId = client.run(client.createExperiment("cli-artifacts"), "a", run -> {});
    byte[] content = new byte[200_000];
    new Random(7).nextBytes(content);
    Path local = Files.write(tmp.resolve("weights.bin"), content);

    Result up = tracked("artifacts", "upload", runId, local.toString(), "--artifact-path", "model");
    assertThat(up.exitCode()).as(up.err()).isZero();
    assertThat(up.out().strip()).isEqualTo("model/weights.bin");
    Result list = tracked("artifacts", "list", runId, "model");
    assertThat(list.out()).containsPattern("model/weights.bin\\s+file\\s+195.3 KiB");
    Result down = tracked("artifacts", "download", runId, "model/weights.bin", "--dest", tmp.resolve("out").toString());
    assertThat(down.exitCode()).as(down.err()).isZero();
    try (InputStream in = Files.newInputStream(tmp.resolve("out/weights.bin"))) {
      assertThat(Hashing.sha256Hex(in)).isEqualTo(Hashing.sha256Hex(content));
    }
    Result missingFile = tracked("artifacts", "upload", runId, tmp.resolve("nope.bin").toString());
    assertThat(missingFile.exitCode()).isEqualTo(2);
    assertThat(missingFile.err()).contains("nope.bin").hasLineCount(1);
  }

  @Test
  void serverCommandServesUntilInterrupted(@TempDir Path tmp) throws Exception {
    StringWriter out = new StringWriter();
    int[] exit = {-1};
    Thread t = new Thread(() -> {
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(new StringWriter(), true));
      exit[0] = cl.execute("server", "--port", "0", "--backend-store-uri", "sqlite:" + tmp.resolve("db.sqlite"),
          "--artifacts-uri", "file:" + tmp.resolve("art"));
    }, "cli-server");
    t.start();
    Matcher url = Pattern.compile("serving (http://\\S+)").matcher("");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (t.isAlive() && !url.reset(out.toString()).find()) {
      assertThat(System.nanoTime()).as("server banner within 60 s; printed: %s", out).isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(t.isAlive()).as("server command still running; printed: %s", out).isTrue();
    String id = CairnClient.connect(url.group(1)).createExperiment("via-cli-server");
    assertThat(id).isNotBlank();

    t.interrupt();
    t.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(t.isAlive()).as("server command stopped within 60 s of the interrupt").isFalse();
    assertThat(exit[0]).isZero();
    assertThat(Files.exists(tmp.resolve("db.sqlite"))).isTrue();
  }
}
