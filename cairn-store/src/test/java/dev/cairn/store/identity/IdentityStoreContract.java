package dev.cairn.store.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.identity.ApiToken;
import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import dev.cairn.identity.User;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every backend of the identity store does; run on SQLite and PostgreSQL. */
abstract class IdentityStoreContract {
  protected abstract SqlDatabase newDatabase();

  SqlDatabase db;
  IdentityStore store;

  @BeforeEach
  void open() {
    db = newDatabase();
    store = IdentityStore.on(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aUserSignsInWithTheirPasswordAndNotWithAnother() {
    store.createUser("ada", "correct horse");
    assertThat(store.checkPassword("ada", "correct horse")).map(User::name).contains("ada");
    assertThat(store.checkPassword("ada", "wrong horse!")).isEmpty();
    assertThat(store.checkPassword("bob", "correct horse")).isEmpty();
    assertThat(store.user("ada")).get().extracting(User::hasPassword).isEqualTo(true);
  }

  @Test
  void passwordsAreStoredAsBcryptHashesNotAsText() {
    store.createUser("ada", "correct horse");
    String stored = db.read(h -> h.createQuery("SELECT password_hash FROM identity_users WHERE name = 'ada'")
        .mapTo(String.class).one());
    assertThat(stored).startsWith("$2").doesNotContain("correct horse");
  }

  @Test
  void aDuplicateUserIsRefusedAndBadNamesAndPasswordsAreRefused() {
    store.createUser("ada", null);
    assertThatThrownBy(() -> store.createUser("ada", null)).isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
    assertThatThrownBy(() -> store.createUser("a b", null)).hasMessageContaining("user name 'a b'");
    assertThatThrownBy(() -> store.createUser("bob", "short")).hasMessageContaining("8 to 72");
    assertThatThrownBy(() -> store.createUser("bob", "x".repeat(73))).hasMessageContaining("72");
    assertThat(store.users()).extracting(User::name).containsExactly("ada");
  }

  @Test
  void aDisabledUserCannotSignInWithPasswordOrToken() {
    store.createUser("ada", "correct horse");
    IdentityStore.NewToken t = store.createToken("ada", "ci", null);
    store.setDisabled("ada", true);
    assertThat(store.checkPassword("ada", "correct horse")).isEmpty();
    assertThat(store.checkToken(t.secret(), System.currentTimeMillis())).isEmpty();
    store.setDisabled("ada", false);
    assertThat(store.checkToken(t.secret(), System.currentTimeMillis())).isPresent();
  }

  @Test
  void aTokenIsStoredOnlyAsTheHashOfItsSecret() throws Exception {
    store.createUser("ada", null);
    IdentityStore.NewToken t = store.createToken("ada", "laptop", null);
    assertThat(t.secret()).startsWith("cairn_" + t.token().id() + "_");
    List<String> columns = db.read(h -> h.createQuery("SELECT * FROM identity_tokens").map((rs, ctx) -> {
      StringBuilder all = new StringBuilder();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        all.append(rs.getString(i)).append('|');
      }
      return all.toString();
    }).list());
    String secretPart = t.secret().substring(t.secret().lastIndexOf('_') + 1);
    assertThat(columns).hasSize(1);
    assertThat(columns.get(0)).doesNotContain(secretPart).contains(IdentityStore.sha256(t.secret()));
    assertThat(t.toString()).doesNotContain(secretPart);
  }

  @Test
  void aTokenIsAcceptedUntilRevokedOrExpired() {
    store.createUser("ada", null);
    long now = System.currentTimeMillis();
    IdentityStore.NewToken forever = store.createToken("ada", "forever", null);
    IdentityStore.NewToken shortLived = store.createToken("ada", "short", now + 60_000);
    assertThat(store.checkToken(forever.secret(), now)).map(ApiToken::user).contains("ada");
    assertThat(store.checkToken(shortLived.secret(), now)).isPresent();
    assertThat(store.checkToken(shortLived.secret(), now + 60_000)).isEmpty();
    store.revokeToken(forever.token().id());
    assertThat(store.checkToken(forever.secret(), now)).isEmpty();
    assertThat(store.token(forever.token().id())).get().extracting(ApiToken::revoked).isEqualTo(true);
  }

  @Test
  void aTokenWithOneCharacterChangedIsRefused() {
    store.createUser("ada", null);
    String secret = store.createToken("ada", "t", null).secret();
    char last = secret.charAt(secret.length() - 1);
    String forged = secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(store.checkToken(forged, System.currentTimeMillis())).isEmpty();
    assertThat(store.checkToken("cairn_nothing", System.currentTimeMillis())).isEmpty();
    assertThat(store.checkToken(null, System.currentTimeMillis())).isEmpty();
  }

  @Test
  void expiryInThePastAndTokensOfUnknownUsersAreRefused() {
    store.createUser("ada", null);
    assertThatThrownBy(() -> store.createToken("ada", "t", System.currentTimeMillis() - 1))
        .hasMessageContaining("not in the future");
    assertThatThrownBy(() -> store.createToken("bob", "t", null)).isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    assertThatThrownBy(() -> store.revokeToken("0123456789ab"))
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
  }

  @Test
  void tokensAreListedPerUserOrAllAndLastUseIsRecorded() {
    store.createUser("ada", null);
    store.createUser("bob", null);
    IdentityStore.NewToken a = store.createToken("ada", "a", null);
    store.createToken("bob", "b", null);
    assertThat(store.tokens("ada")).extracting(ApiToken::name).containsExactly("a");
    assertThat(store.tokens(null)).hasSize(2);
    store.touchToken(a.token().id(), 1234L);
    assertThat(store.token(a.token().id())).get().extracting(ApiToken::lastUsedTime).isEqualTo(1234L);
  }

  @Test
  void grantingAgainOnAScopeReplacesTheRoleAndRevokeRemovesIt() {
    store.createUser("ada", null);
    store.grant(new RoleGrant("ada", Role.VIEWER, Scope.GLOBAL));
    store.grant(new RoleGrant("ada", Role.EDITOR, Scope.experiment("7")));
    store.grant(new RoleGrant("ada", Role.APPROVER, Scope.experiment("7")));
    store.grant(new RoleGrant("ada", Role.ADMIN, Scope.registeredModel("churn")));
    assertThat(store.grants("ada")).containsExactlyInAnyOrder(
        new RoleGrant("ada", Role.VIEWER, Scope.GLOBAL),
        new RoleGrant("ada", Role.APPROVER, Scope.experiment("7")),
        new RoleGrant("ada", Role.ADMIN, Scope.registeredModel("churn")));
    assertThat(store.revoke("ada", Scope.experiment("7"))).isTrue();
    assertThat(store.revoke("ada", Scope.experiment("7"))).isFalse();
    assertThat(store.grants("ada")).hasSize(2);
    assertThatThrownBy(() -> store.grant(new RoleGrant("bob", Role.VIEWER, Scope.GLOBAL)))
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
  }

  @Test
  void everyChangeIsCounted() {
    long before = store.changes();
    store.createUser("ada", "correct horse");
    store.setPassword("ada", "another horse");
    IdentityStore.NewToken t = store.createToken("ada", "t", null);
    store.revokeToken(t.token().id());
    assertThat(store.changes()).isEqualTo(before + 4);
    assertThat(store.checkPassword("ada", "another horse")).isPresent();
    assertThat(store.userCount()).isEqualTo(1);
    assertThatThrownBy(() -> store.setDisabled("bob", true))
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
  }

  @Test
  void multiByteSecretsCountBytesNotCharacters() {
    String password = "é".repeat(36); // 72 bytes
    store.createUser("ada", password);
    assertThat(store.checkPassword("ada", password)).isPresent();
    assertThat(password.getBytes(StandardCharsets.UTF_8)).hasSize(72);
    assertThatThrownBy(() -> store.setPassword("ada", "é".repeat(37))).hasMessageContaining("74 bytes");
  }


  @Test
  void anAdminCountsOnlyWithAGlobalAdminGrantAndWhileEnabled() {
    assertThat(store.hasEnabledAdmin()).isFalse();
    store.createUser("ada", null);
    store.grant(new RoleGrant("ada", Role.ADMIN, Scope.experiment("1")));
    assertThat(store.hasEnabledAdmin()).isFalse();
    store.grant(new RoleGrant("ada", Role.ADMIN, Scope.GLOBAL));
    assertThat(store.hasEnabledAdmin()).isTrue();
    store.setDisabled("ada", true);
    assertThat(store.hasEnabledAdmin()).isFalse();
  }

  @Test
  void sessionsAreStoredAndEndWithTheirUserOrToken() {
    store.createUser("ada", "correct horse");
    store.createUser("bob", "battery staple");
    IdentityStore.NewToken token = store.createToken("bob", "ui", null);
    SessionStore sessions = store.sessions();
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    String c = "c".repeat(64);
    sessions.create(a, "ada", "1".repeat(64), null, 1_000, 2_000);
    sessions.create(b, "bob", "2".repeat(64), token.token().id(), 1_000, 2_000);
    sessions.create(c, "bob", "3".repeat(64), null, 1_000, 2_000);
    assertThat(sessions.find(a)).contains(new SessionStore.StoredSession("ada", "1".repeat(64), null, 1_000, 1_000, 2_000));
    sessions.touch(a, 1_500, 2_500);
    assertThat(sessions.find(a)).map(SessionStore.StoredSession::lastSeenTime).contains(1_500L);
    store.revokeToken(token.token().id());
    assertThat(sessions.find(b)).as("revoking the token ends the session started with it").isEmpty();
    assertThat(sessions.find(c)).isPresent();
    store.setDisabled("bob", true);
    assertThat(sessions.find(c)).as("disabling the user ends their sessions").isEmpty();
    assertThat(sessions.find(a)).isPresent();
    // signing in purges what is over: ada's session (until 2,500) outlives a sign-in at 2,400 but not at 2,500
    sessions.create("d".repeat(64), "ada", "4".repeat(64), null, 2_400, 3_000);
    assertThat(sessions.count()).isEqualTo(2);
    sessions.create("e".repeat(64), "ada", "5".repeat(64), null, 2_500, 3_000);
    assertThat(sessions.find(a)).isEmpty();
    assertThat(sessions.purgeExpired(3_000)).isEqualTo(2);
    assertThat(sessions.end("e".repeat(64))).isFalse();
  }
}
