package dev.cairn.cli;

import static dev.cairn.cli.Cli.cairnWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.client.CairnClient;
import dev.cairn.client.Credentials;
import dev.cairn.server.CairnServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn users} and {@code cairn tokens} against a server with authentication on; {@code server --auth}. */
class IdentityCommandsTest {
  @TempDir static Path dir;
  static CairnServer server;
  static Map<String, String> asAdmin;

  @BeforeAll
  static void start() throws Exception {
    server = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts"), Map.of(), true, null));
    asAdmin = Map.of("CAIRN_TRACKING_URI", server.url(),
        "CAIRN_TRACKING_TOKEN", Files.readString(dir.resolve("admin-token")).strip());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAdminCreatesAUserGrantsARoleAndMakesATokenThatWorksUntilRevoked() {
    Cli.Result created = cairnWith(asAdmin, "users", "create", "ada", "--role", "viewer");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("created user ada with role viewer");
    assertThat(cairnWith(asAdmin, "users", "grant", "ada", "editor", "--scope", "experiment:0").out())
        .contains("granted editor on experiment:0 to ada");
    Cli.Result list = cairnWith(asAdmin, "users", "list");
    assertThat(list.out()).contains("ada", "viewer@global", "editor@experiment:0", "admin@global");

    Cli.Result token = cairnWith(asAdmin, "tokens", "create", "--user", "ada", "--name", "laptop");
    assertThat(token.exitCode()).as(token.err()).isZero();
    String secret = token.out().strip();
    assertThat(secret).startsWith("cairn_");
    assertThat(token.err()).contains("not shown again");
    Map<String, String> asAda = Map.of("CAIRN_TRACKING_URI", server.url(), "MLFLOW_TRACKING_USERNAME", "ada",
        "MLFLOW_TRACKING_PASSWORD", secret);
    Cli.Result mine = cairnWith(asAda, "tokens", "list");
    assertThat(mine.out()).contains("laptop").doesNotContain(secret);
    Cli.Result refused = cairnWith(asAda, "users", "list");
    assertThat(refused.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(refused.err()).contains("needs role admin");
    assertThat(cairnWith(asAda, "experiments", "list").exitCode()).isZero();

    String id = secret.substring("cairn_".length(), "cairn_".length() + 12);
    assertThat(cairnWith(asAda, "tokens", "revoke", id).out()).contains("revoked token " + id + " of ada");
    Cli.Result after = cairnWith(asAda, "experiments", "list");
    assertThat(after.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(after.err()).contains("invalid credentials");
  }

  @Test
  void revokingAGrantAndDisablingAUserTakeEffect() {
    cairnWith(asAdmin, "users", "create", "bob", "--role", "editor");
    String secret = cairnWith(asAdmin, "tokens", "create", "--user", "bob").out().strip();
    Map<String, String> asBob = Map.of("CAIRN_TRACKING_URI", server.url(), "CAIRN_TRACKING_TOKEN", secret);
    assertThat(cairnWith(asBob, "experiments", "create", "bobs").exitCode()).isZero();
    assertThat(cairnWith(asAdmin, "users", "revoke", "bob").out()).contains("revoked bob's role on global");
    assertThat(cairnWith(asBob, "experiments", "create", "bobs-2").err()).contains("needs role editor");
    assertThat(cairnWith(asAdmin, "users", "disable", "bob").out()).contains("disabled bob");
    assertThat(cairnWith(asBob, "tokens", "list").err()).contains("invalid credentials");
    assertThat(cairnWith(asAdmin, "users", "disable", "bob", "--enable").out()).contains("enabled bob");
    assertThat(cairnWith(asBob, "tokens", "list").exitCode()).isZero();
  }

  @Test
  void withoutCredentialsCommandsSayWhatIsMissing() {
    Cli.Result r = cairnWith(Map.of("CAIRN_TRACKING_URI", server.url()), "experiments", "list");
    assertThat(r.exitCode()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(r.err()).contains("authentication required").hasLineCount(1);
  }

  @Test
  void serverWithAuthWritesTheAdminTokenFileAndPrintsOnlyItsPath(@TempDir Path tmp) throws Exception {
    StringWriter out = new StringWriter();
    int[] exit = {-1};
    Path tokenFile = tmp.resolve("secrets/admin-token");
    Thread t = new Thread(() -> {
      CommandLine cl = Main.commandLine(Map.of());
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(new StringWriter(), true));
      exit[0] = cl.execute("server", "--auth", "--port", "0", "--backend-store-uri", "sqlite:" + tmp.resolve("db.sqlite"),
          "--artifacts-uri", "file:" + tmp.resolve("art"), "--admin-token-file", tokenFile.toString());
    }, "cli-auth-server");
    t.start();
    Matcher url = Pattern.compile("serving (http://\\S+)").matcher("");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (t.isAlive() && !(url.reset(out.toString()).find() && out.toString().contains("admin-token"))) {
      assertThat(System.nanoTime()).as("server banner within 60 s; printed: %s", out).isLessThan(deadline);
      Thread.sleep(10);
    }
    try {
      String token = Files.readString(tokenFile).strip();
      assertThat(out.toString()).contains("authentication on", tokenFile.toAbsolutePath().toString())
          .doesNotContain(token);
      try (CairnClient anonymous = CairnClient.connect(url.group(1), Credentials.NONE);
          CairnClient admin = CairnClient.connect(url.group(1), Credentials.token(token))) {
        assertThat(admin.identity().whoami().user()).isEqualTo("admin");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> anonymous.createExperiment("x"))
            .hasMessageContaining("authentication required");
      }
    } finally {
      t.interrupt();
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    assertThat(exit[0]).isZero();
  }

  @Test
  void authIsReadFromTheEnvironmentLikeEveryOption() {
    CommandLine cl = Main.commandLine(Map.of("CAIRN_SERVER_AUTH", "true",
        "CAIRN_SERVER_ADMIN_TOKEN_FILE", "/tmp/x-token"));
    CommandLine.ParseResult parsed = cl.parseArgs("server");
    ServerCommand server = (ServerCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(server.auth).isTrue();
    assertThat(server.adminTokenFile).isEqualTo("/tmp/x-token");
    ServerCommand plain = (ServerCommand) Main.commandLine(Map.of()).parseArgs("server").subcommand().commandSpec()
        .userObject();
    assertThat(plain.auth).isFalse();
  }

  @Test
  void dataCommandsReadAFolderTheServerMadeWithItsIdentityTables(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("files"));
    Files.writeString(data.resolve("a.csv"), "id\n1\n");
    String[] stores = {"--backend-store-uri", "sqlite:" + tmp.resolve("db/cairn.db"), "--artifacts-uri",
        "file:" + tmp.resolve("artifacts"), "--stat-cache", tmp.resolve("cache").toString()};
    // a folder made by a data command first, then migrated by a server with authentication on
    Cli.Result added = Cli.cairn(concat(new String[] {"data", "add", data.toString(), "--name", "churn"}, stores));
    assertThat(added.exitCode()).as(added.err()).isZero();
    CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0, "sqlite:" + tmp.resolve("db/cairn.db"),
        "file:" + tmp.resolve("artifacts"), Map.of(), true, null)).close();
    Cli.Result log = Cli.cairn(concat(new String[] {"data", "log", "churn"}, stores));
    assertThat(log.exitCode()).as(log.err()).isZero();
    assertThat(log.out()).contains("@1");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
