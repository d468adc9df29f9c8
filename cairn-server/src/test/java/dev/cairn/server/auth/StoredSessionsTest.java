package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.CairnServer;
import dev.cairn.store.PostgresDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions kept in the database, over real HTTP: a session signed in on one server is accepted by another on the
 * same PostgreSQL database (and signing out or disabling the user on one ends it on both), an expired row is
 * refused and deleted, and on SQLite a session survives a restart of the server on the same data folder.
 */
class StoredSessionsTest {
  @TempDir static Path dir;
  static PostgresDatabases postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresDatabases.start("sessions", CairnServer.MIGRATIONS);
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  static CairnServer.ServerConfig config(String backend, Path folder) {
    return new CairnServer.ServerConfig("127.0.0.1", 0, backend, "file:" + folder.resolve("artifacts"), Map.of(),
        true, folder.resolve("admin-token").toString());
  }

  static void createUser(String url, String adminToken, String name, String role) {
    AuthServer.Reply r = new AuthServer.Client(url).send("POST", "/api/cairn/v1/users", "{\"name\":\"" + name
        + "\",\"password\":\"pw-of-" + name + "-long\",\"role\":\"" + role + "\"}", AuthServer.bearer(adminToken));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  void aSessionSignedInOnOneServerIsAcceptedByAnotherOnTheSameDatabase() throws Exception {
    String db = postgres.fresh();
    String backend = postgres.uri(db);
    Path folder = Files.createDirectories(dir.resolve("pg"));
    try (CairnServer a = CairnServer.start(config(backend, folder));
        CairnServer b = CairnServer.start(config(backend, folder))) {
      String admin = Files.readString(folder.resolve("admin-token")).strip();
      createUser(a.url(), admin, "ada", "editor");
      createUser(a.url(), admin, "bob", "viewer");
      BrowserSession onA = BrowserSession.signIn(a.url(), "ada", "pw-of-ada-long");
      BrowserSession onB = onA.at(b.url());
      UiSignInTest.Answer page = onB.page("/ui/experiments");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body()).contains("<span id=\"signed-in-user\">ada</span>");
      // the CSRF token is the same on both servers, so a form rendered by one posts to the other
      String csrf = onA.csrf();
      assertThat(onB.csrf()).isEqualTo(csrf);
      UiSignInTest.Answer created = UiSignInTest.send(b.url(), "POST", "/api/2.0/mlflow/experiments/create",
          Map.of("Cookie", onA.cookie(), "Content-Type", "application/json", SignIn.CSRF_HEADER, csrf),
          "{\"name\":\"made-on-b\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      // signing out on B ends the session on A too
      UiSignInTest.Answer out = UiSignInTest.send(b.url(), "POST", SignIn.LOGOUT, Map.of("Cookie", onA.cookie(),
          "Content-Type", "application/x-www-form-urlencoded"), "csrf=" + csrf);
      assertThat(out.status()).isEqualTo(303);
      assertThat(onA.signedIn()).isFalse();
      assertThat(onA.page("/ui/experiments").location()).startsWith("/ui/login?next=");
      // disabling bob through A ends his session on B at once (no cache of B's sees A's change; the row is gone)
      BrowserSession bob = BrowserSession.signIn(b.url(), "bob", "pw-of-bob-long");
      assertThat(bob.signedIn()).isTrue();
      AuthServer.Reply disabled = new AuthServer.Client(a.url()).send("POST", "/api/cairn/v1/users/bob/disable", "{}",
          AuthServer.bearer(admin));
      assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
      assertThat(bob.signedIn()).isFalse();
      // only hashes in the table: neither the cookie's id nor the CSRF token appears
      try (Connection c = postgres.connect(db); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT session_sha256, csrf_sha256 FROM identity_sessions")) {
        while (rs.next()) {
          assertThat(rs.getString(1)).hasSize(64).doesNotContain(bob.cookie().substring(SignIn.COOKIE.length() + 1));
          assertThat(rs.getString(2)).hasSize(64);
        }
      }
    }
  }

  @Test
  void anExpiredSessionIsRefusedAndDeleted() throws Exception {
    String db = postgres.fresh();
    Path folder = Files.createDirectories(dir.resolve("expiry"));
    try (CairnServer server = CairnServer.start(config(postgres.uri(db), folder))) {
      String admin = Files.readString(folder.resolve("admin-token")).strip();
      createUser(server.url(), admin, "ada", "viewer");
      BrowserSession ada = BrowserSession.signIn(server.url(), "ada", "pw-of-ada-long");
      assertThat(ada.signedIn()).isTrue();
      try (Connection c = postgres.connect(db); Statement s = c.createStatement()) {
        // as if the idle timeout had passed: last seen (and so the expiry) 31 minutes ago
        long past = System.currentTimeMillis() - 31 * 60_000L;
        assertThat(s.executeUpdate("UPDATE identity_sessions SET last_seen_time = " + past + ", expires_time = "
            + (past + Sessions.IDLE_MILLIS))).isEqualTo(1);
        assertThat(ada.signedIn()).isFalse();
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM identity_sessions")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).as("the expired row is deleted when found").isZero();
        }
      }
    }
  }

  @Test
  void onSqliteASessionSurvivesARestart() {
    Path folder = dir.resolve("sqlite");
    BrowserSession ada;
    try (AuthServer first = AuthServer.start(folder)) {
      createUser(first.server.url(), first.adminToken, "ada", "viewer");
      ada = BrowserSession.signIn(first.server.url(), "ada", "pw-of-ada-long");
      assertThat(ada.signedIn()).isTrue();
    }
    try (AuthServer second = AuthServer.startWithoutToken(folder)) {
      BrowserSession again = ada.at(second.server.url());
      UiSignInTest.Answer page = again.page("/ui/experiments");
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(page.body()).contains("<span id=\"signed-in-user\">ada</span>");
    }
  }
}
