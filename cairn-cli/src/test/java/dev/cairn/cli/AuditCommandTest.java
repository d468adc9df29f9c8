package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn audit}: verify opens the database itself and names the first bad event; list asks the server. */
class AuditCommandTest {
  @TempDir
  Path dir;

  private String backend() {
    return "sqlite:" + dir.resolve("cairn.db");
  }

  private void tamper(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cairn.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  @Test
  void verifyPassesBesideTheServerAndNamesTheFirstBadEventOnceTampered() throws Exception {
    try (CairnServer server = Cli.startServer(dir)) {
      for (int i = 0; i < 5; i++) {
        assertThat(Cli.tracked(server, "experiments", "create", "e" + i).exitCode()).isZero();
      }
      Cli.Result beside = Cli.cairn("audit", "verify", "--backend-store-uri", backend());
      assertThat(beside.exitCode()).as(beside.err()).isZero();
      assertThat(beside.out()).isEqualTo("ok: 5 audit events verified, the chain is intact\n");
    }

    tamper("DELETE FROM audit_events WHERE sequence = 4");
    Cli.Result removed = Cli.cairn("audit", "verify", "--backend-store-uri", backend());
    assertThat(removed.exitCode()).isEqualTo(1);
    assertThat(removed.errLines()).isEqualTo(1);
    assertThat(removed.err()).startsWith("cairn: audit log verification failed at event 4: event 4 is missing");

    tamper("UPDATE audit_events SET actor = 'mallory' WHERE sequence = 2");
    Cli.Result changed = Cli.cairn("audit", "verify", "--backend-store-uri", backend());
    assertThat(changed.exitCode()).isEqualTo(1);
    assertThat(changed.errLines()).isEqualTo(1);
    assertThat(changed.err()).startsWith("cairn: audit log verification failed at event 2: ")
        .contains("changed").contains("(1 event before it verified)");
    assertThat(changed.out()).isEmpty();
  }

  @Test
  void verifyOfAMissingDatabaseSaysWhereItLooked() {
    Cli.Result r = Cli.cairn("audit", "verify", "--backend-store-uri", "sqlite:" + dir.resolve("none.db"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("cairn: no database at ").contains("none.db");
  }

  @Test
  void listShowsTheServersEventsWithFilters() {
    try (CairnServer server = Cli.startServer(dir)) {
      Cli.tracked(server, "experiments", "create", "churn");
      Cli.tracked(server, "experiments", "create", "fraud");
      Cli.Result all = Cli.tracked(server, "audit", "list", "--oldest-first");
      assertThat(all.exitCode()).as(all.err()).isZero();
      assertThat(all.out().lines().toList()).hasSize(3);
      assertThat(all.out().lines().skip(1).toList())
          .allMatch(l -> l.contains(" local ") && l.contains("POST /api/2.0/mlflow/experiments/create"));
      assertThat(all.out().lines().toList().get(1)).contains("experiment:1");

      Cli.Result one = Cli.tracked(server, "audit", "list", "--target", "experiment:2", "--json");
      assertThat(one.out()).contains("\"target\" : \"experiment:2\"").doesNotContain("experiment:1");
      Cli.Result paged = Cli.tracked(server, "audit", "list", "--max-results", "1");
      assertThat(paged.out()).contains("experiment:2").doesNotContain("experiment:1");
      assertThat(paged.err()).contains("--page-token 2");
      Cli.Result none = Cli.tracked(server, "audit", "list", "--actor", "bob", "--from", "2026-01-01T00:00:00Z");
      assertThat(none.out().lines().toList()).hasSize(1);
      Cli.Result badTime = Cli.tracked(server, "audit", "list", "--from", "yesterday");
      assertThat(badTime.exitCode()).isEqualTo(2);
      assertThat(badTime.err()).contains("--from 'yesterday'");
    }
  }
}
