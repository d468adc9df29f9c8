package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The chain hash tells apart any two different events, whatever their text, and the record checks its parts. */
class AuditEventTest {
  private static final String PREVIOUS = AuditEvent.GENESIS_HASH;

  private static String hash(String actor, String action, String target, String before, String after) {
    return AuditEvent.hashOf(PREVIOUS, 7, 1000, actor, action, target, before, after, "req", "127.0.0.1");
  }

  @Property
  void movingTextAcrossAFieldBoundaryChangesTheHash(@ForAll String left, @ForAll String right,
      @ForAll @IntRange(min = 0, max = 3) int boundary) {
    String joined = left + right;
    String[] a = {"ada", "act", "run:x", "{}", "{}"};
    String[] b = a.clone();
    a[boundary] = joined;
    a[boundary + 1] = "";
    b[boundary] = left;
    b[boundary + 1] = right;
    if (right.isEmpty()) {
      assertThat(hash(a[0], a[1], a[2], a[3], a[4])).isEqualTo(hash(b[0], b[1], b[2], b[3], b[4]));
    } else {
      assertThat(hash(a[0], a[1], a[2], a[3], a[4])).isNotEqualTo(hash(b[0], b[1], b[2], b[3], b[4]));
    }
  }

  @Property
  void anyChangeOfOneFieldChangesTheHash(@ForAll String value, @ForAll String other) {
    if (value.equals(other)) {
      return;
    }
    assertThat(hash("ada", "act", value, null, null)).isNotEqualTo(hash("ada", "act", other, null, null));
    assertThat(hash("ada", "act", null, value, null)).isNotEqualTo(hash("ada", "act", null, other, null));
  }

  @Test
  void nullIsNotTheTextOfADashNorEmpty() {
    assertThat(hash("ada", "act", null, null, null)).isNotEqualTo(hash("ada", "act", "-", null, null))
        .isNotEqualTo(hash("ada", "act", "", null, null));
  }

  @Test
  void theSequenceTimeAndPreviousHashArePartOfTheHash() {
    String base = AuditEvent.hashOf(PREVIOUS, 7, 1000, "a", "b", null, null, null, null, null);
    assertThat(AuditEvent.hashOf(PREVIOUS, 8, 1000, "a", "b", null, null, null, null, null)).isNotEqualTo(base);
    assertThat(AuditEvent.hashOf(PREVIOUS, 7, 1001, "a", "b", null, null, null, null, null)).isNotEqualTo(base);
    assertThat(AuditEvent.hashOf("1".repeat(64), 7, 1000, "a", "b", null, null, null, null, null)).isNotEqualTo(base);
    assertThat(base).matches("[0-9a-f]{64}");
  }

  @Test
  void anEventKnowsWhetherItsHashFitsItsContent() {
    String h = AuditEvent.hashOf(PREVIOUS, 1, 5, "ada", "POST /x", "run:abc", null, "{\"a\":1}", "r", "::1");
    AuditEvent e = new AuditEvent(1, 5, "ada", "POST /x", "run:abc", null, "{\"a\":1}", "r", "::1", PREVIOUS, h);
    assertThat(e.isHashValid()).isTrue();
    assertThat(e.targetKind()).isEqualTo("run");
    AuditEvent changed = new AuditEvent(1, 5, "eve", "POST /x", "run:abc", null, "{\"a\":1}", "r", "::1", PREVIOUS, h);
    assertThat(changed.isHashValid()).isFalse();
  }

  @Test
  void theRecordRefusesWhatCannotBeAnEvent() {
    assertThatThrownBy(() -> new AuditEvent(0, 1, "a", "b", null, null, null, null, null, PREVIOUS, PREVIOUS))
        .hasMessageContaining("sequence 0");
    assertThatThrownBy(() -> new AuditEvent(1, 1, "", "b", null, null, null, null, null, PREVIOUS, PREVIOUS))
        .hasMessageContaining("actor");
    assertThatThrownBy(() -> new AuditEvent(1, 1, "a", "b", null, null, null, null, null, PREVIOUS, "xyz"))
        .hasMessageContaining("hash 'xyz'");
    assertThatThrownBy(() -> AuditEvent.target("a:b", "1")).hasMessageContaining("kind 'a:b'");
    assertThat(AuditEvent.target("model", "churn/3")).isEqualTo("model:churn/3");
  }
}
