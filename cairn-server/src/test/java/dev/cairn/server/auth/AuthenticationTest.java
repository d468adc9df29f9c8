package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Signing in over HTTP: Basic and Bearer, tokens and passwords, revocation, expiry, limits, the first admin. */
class AuthenticationTest {
  @TempDir Path dir;
  AuthServer server;

  @BeforeEach
  void start() {
    server = AuthServer.start(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String whoami(String authorization) {
    AuthServer.Reply r = server.get("/api/cairn/v1/whoami", authorization);
    return r.status() == 200 ? r.json().get("user").asText() : r.status() + " " + r.errorCode();
  }

  @Test
  void theFirstStartWritesTheAdminTokenToAnOwnerOnlyFileAndLogsOnlyItsPath() throws Exception {
    Path file = dir.resolve("admin-token");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(server.server.adminTokenFile()).contains(file);
    assertThat(whoami(AuthServer.bearer(server.adminToken))).isEqualTo("admin");
    server.close();
    // a restart finds users: no new admin, no new file
    Files.delete(file);
    Logger log = (Logger) LoggerFactory.getLogger(AdminBootstrap.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try {
      server = AuthServer.startWithoutToken(dir);
      assertThat(file).doesNotExist();
      assertThat(server.server.adminTokenFile()).isEmpty();
    } finally {
      log.detachAppender(appender);
    }
    assertThat(appender.list).isEmpty();
  }

  @Test
  void theBootstrapLogNamesTheFileButNeverTheToken() {
    server.close();
    Path other = dir.resolve("fresh");
    Logger log = (Logger) LoggerFactory.getLogger(AdminBootstrap.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try {
      server = AuthServer.start(other);
    } finally {
      log.detachAppender(appender);
    }
    assertThat(appender.list).hasSize(1);
    String message = appender.list.get(0).getFormattedMessage();
    assertThat(message).contains(other.resolve("admin-token").toString()).doesNotContain(server.adminToken)
        .doesNotContain(server.adminToken.substring(server.adminToken.lastIndexOf('_') + 1));
  }

  @Test
  void basicWithAPasswordOrATokenAndBearerWithATokenAllSignIn() {
    String token = server.userWithToken("ada", "viewer");
    server.post("/api/cairn/v1/users/ada/password", "{\"password\":\"correct horse\"}", AuthServer.bearer(server.adminToken));
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("ada");
    assertThat(whoami(AuthServer.basic("ada", token))).isEqualTo("ada");
    assertThat(whoami(AuthServer.basic("ada", "correct horse"))).isEqualTo("ada");
    // a token sent with another user's name is not that user's
    server.userWithToken("bob", "viewer");
    assertThat(whoami(AuthServer.basic("bob", token))).isEqualTo("401 UNAUTHENTICATED");
  }

  @Test
  void aWrongPasswordAndAnUnknownUserLookTheSame() {
    server.userWithToken("ada", "viewer");
    server.post("/api/cairn/v1/users/ada/password", "{\"password\":\"correct horse\"}", AuthServer.bearer(server.adminToken));
    AuthServer.Reply wrong = server.get("/api/cairn/v1/whoami", AuthServer.basic("ada", "wrong horse"));
    AuthServer.Reply unknown = server.get("/api/cairn/v1/whoami", AuthServer.basic("zed", "correct horse"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.text()).isEqualTo(unknown.text());
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo(unknown.header("WWW-Authenticate")).startsWith("Basic");
    assertThat(wrong.errorCode()).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void missingOrMalformedCredentialsAre401WithAChallenge() {
    for (String header : new String[] {null, "Bearer nope", "Basic !!!", "Digest x", "Basic " + "YWRh"}) {
      AuthServer.Reply r = server.get("/api/2.0/mlflow/experiments/search", header);
      assertThat(r.status()).as(String.valueOf(header)).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("UNAUTHENTICATED");
      assertThat(r.header("WWW-Authenticate")).contains("realm=\"cairn\"");
    }
    assertThat(server.get("/health", null).status()).isEqualTo(200);
    assertThat(server.get("/metrics", null).status()).isEqualTo(401);
  }

  @Test
  void aRevokedTokenIsRefusedOnTheVeryNextRequest() {
    String token = server.userWithToken("ada", "editor");
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("ada"); // now remembered by the server
    String id = token.substring("cairn_".length(), "cairn_".length() + 12);
    AuthServer.Reply revoked = server.send("DELETE", "/api/cairn/v1/tokens/" + id, null, AuthServer.bearer(token));
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().at("/token/revoked").asBoolean()).isTrue();
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("401 UNAUTHENTICATED");
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    server.userWithToken("ada", "viewer");
    long expires = System.currentTimeMillis() + 1500;
    AuthServer.Reply made = server.post("/api/cairn/v1/tokens",
        "{\"user\":\"ada\",\"name\":\"short\",\"expires_time\":" + expires + "}", AuthServer.bearer(server.adminToken));
    String token = made.json().get("secret").asText();
    assertThat(made.json().at("/token/expires_time").asLong()).isEqualTo(expires);
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("ada"); // remembered, but not past its expiry
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() <= expires && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("401 UNAUTHENTICATED");
  }

  @Test
  void aDisabledUserIsRefusedOnTheNextRequest() {
    String token = server.userWithToken("ada", "viewer");
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("ada");
    assertThat(server.post("/api/cairn/v1/users/ada/disable", "{}", AuthServer.bearer(server.adminToken)).status())
        .isEqualTo(200);
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("401 UNAUTHENTICATED");
    server.post("/api/cairn/v1/users/ada/disable", "{\"disabled\":false}", AuthServer.bearer(server.adminToken));
    assertThat(whoami(AuthServer.bearer(token))).isEqualTo("ada");
  }

  @Test
  void repeatedFailuresForAUserAre429WithRetryAfterEvenWithTheRightPassword() {
    server.userWithToken("ada", "viewer");
    server.post("/api/cairn/v1/users/ada/password", "{\"password\":\"correct horse\"}", AuthServer.bearer(server.adminToken));
    for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
      assertThat(server.get("/api/cairn/v1/whoami", AuthServer.basic("ada", "guess " + i)).status()).isEqualTo(401);
    }
    AuthServer.Reply limited = server.get("/api/cairn/v1/whoami", AuthServer.basic("ada", "correct horse"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
  }

  @Test
  void repeatedFailuresFromOneAddressAre429WhateverTheUserName() {
    for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
      assertThat(server.get("/api/cairn/v1/whoami", AuthServer.basic("user" + i, "guess")).status()).isEqualTo(401);
    }
    assertThat(server.get("/api/cairn/v1/whoami", AuthServer.bearer(server.adminToken)).status()).isEqualTo(429);
  }

  @Test
  void theFailureCounterKeepsABoundedNumberOfKeys() {
    FailedLogins limits = new FailedLogins();
    for (int i = 0; i < FailedLogins.MAX_KEYS + 500; i++) {
      limits.recordFailure("user:u" + i, 1_000);
    }
    assertThat(limits.trackedKeys()).isEqualTo(FailedLogins.MAX_KEYS);
    // once the old windows end, new keys are tracked again
    limits.recordFailure("user:late", 1_000 + FailedLogins.WINDOW_MILLIS);
    assertThat(limits.trackedKeys()).isEqualTo(1);
  }

  @Test
  void theActorOfARequestIsTheSignedInUser() {
    String token = server.userWithToken("ada", "editor");
    AuthServer.Reply created = server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"e\"}",
        AuthServer.bearer(token));
    assertThat(created.status()).isEqualTo(200);
    AuthServer.Reply me = server.get("/api/cairn/v1/whoami", AuthServer.bearer(token));
    assertThat(me.json().get("authenticated").asBoolean()).isTrue();
    assertThat(me.json().at("/grants/0/role").asText()).isEqualTo("editor");
  }

  @Test
  void withoutAuthNothingAsksForCredentials() {
    server.close();
    try (CairnServer open = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0,
        "sqlite:" + dir.resolve("open.db"), "file:" + dir.resolve("open-artifacts"), Map.of()))) {
      assertThat(open.requiresAuth()).isFalse();
      assertThat(open.adminTokenFile()).isEmpty();
      AuthServer.Reply r = new AuthServer.Client(open.url()).get("/api/cairn/v1/whoami", null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("user").asText()).isEqualTo("local");
    }
    server = AuthServer.start(dir.resolve("again"));
  }

  @Test
  void bindingBeyondLoopbackTurnsAuthenticationOnWithoutBeingAsked() {
    server.close();
    CairnServer.ServerConfig config = new CairnServer.ServerConfig("0.0.0.0", 0,
        "sqlite:" + dir.resolve("wide/cairn.db"), "file:" + dir.resolve("wide/artifacts"), Map.of());
    assertThat(config.auth()).isFalse();
    assertThat(config.requiresAuth()).isTrue();
    try (CairnServer wide = CairnServer.start(config)) {
      assertThat(wide.requiresAuth()).isTrue();
      assertThat(wide.adminTokenFile()).contains(dir.resolve("wide/admin-token"));
      AuthServer.Client client = new AuthServer.Client("http://127.0.0.1:" + wide.port());
      assertThat(client.get("/api/2.0/mlflow/experiments/search", null).status()).isEqualTo(401);
      assertThat(client.get("/health", null).status()).isEqualTo(200);
    }
    server = AuthServer.start(dir.resolve("again"));
  }

  @Test
  void usersMadeWhileAuthenticationWasOffKeepTheirTokensAndAnAdminIsStillCreated() throws Exception {
    server.close();
    Path folder = dir.resolve("prepared");
    String adaToken;
    try (CairnServer open = CairnServer.start(new CairnServer.ServerConfig("127.0.0.1", 0,
        "sqlite:" + folder.resolve("cairn.db"), "file:" + folder.resolve("artifacts"), Map.of()))) {
      AuthServer.Client client = new AuthServer.Client(open.url());
      assertThat(client.send("POST", "/api/cairn/v1/users", "{\"name\":\"ada\",\"role\":\"editor\"}", null)
          .status()).isEqualTo(200);
      AuthServer.Reply noUser = client.send("POST", "/api/cairn/v1/tokens", "{}", null);
      assertThat(noUser.status()).isEqualTo(400);
      assertThat(noUser.json().get("message").asText()).contains("'user'", "authentication is off");
      adaToken = client.send("POST", "/api/cairn/v1/tokens", "{\"user\":\"ada\"}", null).json().get("secret").asText();
    }
    assertThat(folder.resolve("admin-token")).doesNotExist();
    server = AuthServer.start(folder);
    assertThat(whoami(AuthServer.bearer(server.adminToken))).isEqualTo("admin");
    assertThat(whoami(AuthServer.bearer(adaToken))).isEqualTo("ada");
  }
}
