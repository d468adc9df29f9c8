package dev.cairn.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PageTokensTest {
  @Property
  void tokensRoundTripEveryOffset(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long offset) {
    assertThat(PageTokens.decode(PageTokens.encode(offset))).isEqualTo(offset);
  }

  @Test
  void tokenIsMlflowsBase64Json() {
    String decoded = new String(Base64.getDecoder().decode(PageTokens.encode(100)), StandardCharsets.UTF_8);
    assertThat(decoded).isEqualTo("{\"offset\": 100}");
  }

  @Test
  void emptyTokenMeansFirstPage() {
    assertThat(PageTokens.decode(null)).isZero();
    assertThat(PageTokens.decode("")).isZero();
  }

  @Test
  void malformedTokensAreInvalidParameterValue() {
    for (String bad : new String[] {"***", b64("not json"), b64("{\"x\": 1}"), b64("{\"offset\": -5}")}) {
      assertThatThrownBy(() -> PageTokens.decode(bad)).isInstanceOf(CairnException.class)
          .hasMessageContaining("page token");
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
