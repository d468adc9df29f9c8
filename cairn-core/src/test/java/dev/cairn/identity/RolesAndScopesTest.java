package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RolesAndScopesTest {
  @Test
  void aHigherRoleIncludesEveryLowerOne() {
    assertThat(Role.ADMIN.includes(Role.VIEWER)).isTrue();
    assertThat(Role.APPROVER.includes(Role.EDITOR)).isTrue();
    assertThat(Role.EDITOR.includes(Role.APPROVER)).isFalse();
    assertThat(Role.VIEWER.includes(Role.VIEWER)).isTrue();
    assertThat(Role.max(Role.EDITOR, null)).isEqualTo(Role.EDITOR);
    assertThat(Role.max(Role.EDITOR, Role.APPROVER)).isEqualTo(Role.APPROVER);
  }

  @Test
  void roleNamesAreReadInAnyCaseAndUnknownOnesListTheKnown() {
    assertThat(Role.parse(" Editor ")).isEqualTo(Role.EDITOR);
    assertThatThrownBy(() -> Role.parse("owner")).hasMessageContaining("'owner'")
        .hasMessageContaining("[viewer, editor, approver, admin]");
  }

  @Test
  void scopesRoundTripThroughTheirText() {
    for (Scope s : new Scope[] {Scope.GLOBAL, Scope.experiment("12"), Scope.registeredModel("churn:v2 model")}) {
      assertThat(Scope.parse(s.toString())).isEqualTo(s);
    }
    assertThat(Scope.parse("model:churn")).isEqualTo(Scope.registeredModel("churn"));
    assertThat(Scope.parse(null)).isEqualTo(Scope.GLOBAL);
  }

  @Test
  void badScopesAndNamesAreRefusedNamingTheProblem() {
    assertThatThrownBy(() -> Scope.parse("team:ml")).hasMessageContaining("global, experiment:ID");
    assertThatThrownBy(() -> Scope.parse("experiment:")).hasMessageContaining("needs a target");
    assertThatThrownBy(() -> new User("a:b", 0, false, false)).hasMessageContaining("'a:b'");
    assertThatThrownBy(() -> new ApiToken("id", "ada", "x".repeat(129), 0, null, null, false))
        .hasMessageContaining("129 characters");
  }

  @Test
  void aTokenIsUsableUntilItExpiresOrIsRevoked() {
    ApiToken t = new ApiToken("id", "ada", "ci", 0, 1000L, null, false);
    assertThat(t.isUsableAt(999)).isTrue();
    assertThat(t.isUsableAt(1000)).isFalse();
    assertThat(new ApiToken("id", "ada", "ci", 0, null, null, true).isUsableAt(1)).isFalse();
  }
}
