package dev.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MLflow's naming rules: reserved and malformed aliases, empty names, version numbers, tag keys. */
class RegistryNamesTest {
  @Test
  void aliasesFollowMlflowsRules() {
    for (String ok : List.of("champion", "prod-2", "a_b", "v1x", "version1", "latest2", "x".repeat(255))) {
      assertThat(RegistryNames.requireAlias(ok)).isEqualTo(ok);
    }
    assertThatThrownBy(() -> RegistryNames.requireAlias("latest")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> RegistryNames.requireAlias("LaTeSt")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> RegistryNames.requireAlias("v12")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> RegistryNames.requireAlias("V3")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> RegistryNames.requireAlias("a.b")).hasMessageContaining("alphanumerics");
    assertThatThrownBy(() -> RegistryNames.requireAlias("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> RegistryNames.requireAlias("x".repeat(256))).hasMessageContaining("255");
  }

  @Test
  void namesVersionsAndTags() {
    assertThatThrownBy(() -> RegistryNames.requireModelName("")).isInstanceOf(CairnException.class)
        .hasMessageContaining("cannot be empty");
    assertThatThrownBy(() -> RegistryNames.requireModelName("x".repeat(257))).hasMessageContaining("256");
    assertThat(RegistryNames.parseVersion(" 7 ")).isEqualTo(7);
    assertThatThrownBy(() -> RegistryNames.parseVersion("0")).hasMessageContaining("integer");
    assertThatThrownBy(() -> RegistryNames.parseVersion("1.5")).hasMessageContaining("integer");
    RegistryNames.requireTag("Model version", "a/b.c d-e_f", "v");
    for (String bad : List.of("", "/a", "a/", "a//b", "./a", "a/../b", "a@b")) {
      assertThatThrownBy(() -> RegistryNames.requireTag("Model version", bad, "v")).as(bad)
          .isInstanceOf(CairnException.class);
    }
    assertThatThrownBy(() -> RegistryNames.requireTag("Model version", "k", "x".repeat(5001)))
        .hasMessageContaining("5000");
  }
}
