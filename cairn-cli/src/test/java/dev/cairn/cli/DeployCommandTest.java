package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.client.CairnClient;
import dev.cairn.client.DeploymentInfo;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn deploy} against a real server: output, one-line errors and exit codes. */
class DeployCommandTest {
  @TempDir Path dir;
  CairnServer server;

  @BeforeEach
  void start() {
    server = Cli.startServer(dir);
    ok(Cli.tracked(server, "models", "create", "churn"));
    for (int i = 1; i <= 4; i++) {
      ok(Cli.tracked(server, "models", "register", "churn", "--source", "s3://m/churn/" + i));
    }
    ok(Cli.tracked(server, "models", "alias", "set", "churn", "champion", "1"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Cli.Result ok(Cli.Result r) {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  @Test
  void createListShowSetRoutesHistoryRollbackAndDelete() {
    Cli.Result created = ok(Cli.tracked(server, "deploy", "create", "churn-api", "--route", "churn@champion=90",
        "--route", "churn/3=10", "--shadow", "churn/4", "--sticky", "header:X-User"));
    assertThat(created.out()).isEqualTo("deployment churn-api version 1: churn@champion=90, churn/3=10\n");

    String list = ok(Cli.tracked(server, "deploy", "list")).out();
    assertThat(list.lines().toList()).hasSize(2);
    assertThat(list).contains("churn-api").contains("churn@champion=90, churn/3=10").contains("churn/4")
        .contains("header:X-User");

    String show = ok(Cli.tracked(server, "deploy", "show", "churn-api")).out();
    assertThat(show).contains("route        churn@champion weight 90").contains("shadow       churn/4")
        .contains("by local");
    assertThat(ok(Cli.tracked(server, "deploy", "show", "churn-api", "--json")).out())
        .contains("\"target\" : \"churn@champion\"");

    assertThat(ok(Cli.tracked(server, "deploy", "set-routes", "churn-api", "--route", "churn@champion=50", "--route",
        "churn/3=50")).out()).isEqualTo("deployment churn-api version 2: churn@champion=50, churn/3=50\n");
    Cli.Result stale = Cli.tracked(server, "deploy", "set-routes", "churn-api", "--route", "churn/2",
        "--expected-version", "1");
    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.errLines()).isEqualTo(1);
    assertThat(stale.err()).startsWith("cairn: deployment 'churn-api' is at version 2, not the expected_version 1");

    assertThat(ok(Cli.tracked(server, "deploy", "rollback", "churn-api", "--to", "1")).out())
        .isEqualTo("deployment churn-api version 3: churn@champion=90, churn/3=10\n");

    assertThat(ok(Cli.tracked(server, "deploy", "delete", "churn-api")).out()).isEqualTo("deleted deployment churn-api\n");
    List<String> history = ok(Cli.tracked(server, "deploy", "history", "churn-api")).out().lines().toList();
    assertThat(history).hasSize(5);
    assertThat(history.get(0)).startsWith("SEQ");
    assertThat(history.get(1)).contains("delete").contains("-");
    assertThat(history.get(3)).contains("update").contains("churn@champion=50, churn/3=50");
    assertThat(history.get(4)).startsWith("1    create    1        local  churn@champion=90, churn/3=10");

    // what the CLI did, seen through the SDK
    try (CairnClient client = CairnClient.connect(server.url())) {
      assertThat(client.deployments().list(10, null).items()).isEmpty();
      DeploymentInfo again = client.deployments().create("b", null, List.of(new DeploymentInfo.Route("churn/2", 100)),
          null, null);
      assertThat(again.version()).isEqualTo(1);
      assertThat(client.deployments().history("churn-api", 10, null).items()).hasSize(4);
    }
  }

  @Test
  void badArgumentsExitTwoAndRefusalsExitOneWithOneLine() {
    Cli.Result badWeight = Cli.tracked(server, "deploy", "create", "a", "--route", "churn/1=ninety");
    assertThat(badWeight.exitCode()).isEqualTo(2);
    assertThat(badWeight.errLines()).isEqualTo(1);
    assertThat(badWeight.err()).startsWith("cairn: --route route 'churn/1=ninety': weight 'ninety' is not a whole"
        + " number from 0 to 100");

    Cli.Result noRoute = Cli.tracked(server, "deploy", "create", "a");
    assertThat(noRoute.exitCode()).isEqualTo(2);
    assertThat(noRoute.err()).contains("--route");

    Cli.Result sum = Cli.tracked(server, "deploy", "create", "a", "--route", "churn/1=60", "--route", "churn/2=30");
    assertThat(sum.exitCode()).isEqualTo(1);
    assertThat(sum.errLines()).isEqualTo(1);
    assertThat(sum.err()).isEqualTo("cairn: field 'routes' weights sum to 90; with more than one route they must sum"
        + " to 100 (churn/1=60, churn/2=30)\n");

    Cli.Result missing = Cli.tracked(server, "deploy", "create", "a", "--route", "churn/9");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("cairn: field 'routes[0].target' target churn/9 does not exist in the"
        + " registry");

    Cli.Result unknown = Cli.tracked(server, "deploy", "show", "nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("cairn: deployment 'nope' does not exist\n");

    Cli.Result noSub = Cli.tracked(server, "deploy");
    assertThat(noSub.exitCode()).isEqualTo(2);
    assertThat(noSub.err()).contains("a subcommand is required: create, list, show, set-routes, delete, history");
  }
  @Test
  void canaryStartsShowsItsCheckAndPromotesAnUnprotectedAlias() {
    ok(Cli.tracked(server, "deploy", "create", "api", "--route", "churn@champion"));
    Cli.Result started = ok(Cli.tracked(server, "deploy", "canary", "api", "--version", "2", "--steps", "10,50",
        "--until", "p99_ms < 50", "--for", "10m", "--min-requests", "5"));
    assertThat(started.out()).isEqualTo("deployment api version 2: canary churn/2 ramping at 10% (steps 10,50) until"
        + " p99_ms < 50 for 10m\n");
    server.canaries().check();
    String status = ok(Cli.tracked(server, "deploy", "canary", "api", "--status")).out();
    assertThat(status).contains("state       ramping").contains("10 (step 1 of 2: 10,50)")
        .contains("started by  local").contains("unknown at").contains("no canary requests in this step yet");
    assertThat(ok(Cli.tracked(server, "deploy", "canary", "api", "--status", "--json")).out())
        .contains("\"verdict\" : \"unknown\"").contains("\"steps\" : [ 10, 50 ]");
    assertThat(ok(Cli.tracked(server, "deploy", "show", "api")).out()).contains("canary       churn/2 ramping at 10%");

    Cli.Result both = Cli.tracked(server, "deploy", "canary", "api", "--version", "2", "--target", "churn/2",
        "--percent", "10", "--until", "p99_ms < 50");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("exactly one of --version V or --target");
    Cli.Result noUntil = Cli.tracked(server, "deploy", "canary", "api", "--version", "3", "--percent", "10");
    assertThat(noUntil.exitCode()).isEqualTo(2);
    assertThat(noUntil.err()).contains("--until is required");
    Cli.Result twoActions = Cli.tracked(server, "deploy", "canary", "api", "--abort", "--promote");
    assertThat(twoActions.exitCode()).isEqualTo(2);

    assertThat(ok(Cli.tracked(server, "deploy", "canary", "api", "--promote")).out())
        .contains("canary churn/2 promoted at 10%").contains("alias churn@champion moved to version 2");
    try (CairnClient client = CairnClient.connect(server.url())) {
      assertThat(client.deployments().canary("api").canary().state()).isEqualTo("promoted");
    }
    Cli.Result again = Cli.tracked(server, "deploy", "canary", "api", "--abort");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("cairn: deployment 'api' has no running canary (its last one is promoted)\n");
  }
}
