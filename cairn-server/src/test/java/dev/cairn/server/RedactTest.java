package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactTest {
  @Test
  void passwordsInStoreUrisAreHiddenBeforeLogging() {
    assertThat(CairnServer.redact("postgresql://db:5432/cairn?user=cairn&password=s3cret&ssl=true"))
        .isEqualTo("postgresql://db:5432/cairn?user=cairn&password=***&ssl=true");
    assertThat(CairnServer.redact("postgresql://cairn:s3cret@db:5432/cairn"))
        .isEqualTo("postgresql://cairn:***@db:5432/cairn");
    assertThat(CairnServer.redact("sqlite:./cairn-data/cairn.db")).isEqualTo("sqlite:./cairn-data/cairn.db");
  }
}
