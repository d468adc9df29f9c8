package dev.cairn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoopHealthTest {
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final LoopHealth loop = new LoopHealth("canaries", 3, clock::get);

  @Test
  void aLoopThatHasNotRunIsUpAndSaysSo() {
    Health h = loop.check();
    assertThat(h.isUp()).isTrue();
    assertThat(h.isDegraded()).isFalse();
    assertThat(h.detail()).isEqualTo("no round yet");
    loop.failed("x");
    assertThat(loop.check().detail()).startsWith("no successful round yet");
  }

  @Test
  void failedRoundsDegradeOnlyWhenTheLastNInARowFailedAndASuccessClearsIt() {
    loop.succeeded();
    loop.failed("database busy");
    loop.failed("database busy");
    assertThat(loop.check().isDegraded()).as("two of three").isFalse();
    loop.succeeded();
    loop.failed("a");
    loop.failed("b");
    clock.addAndGet(60_000);
    loop.failed("cannot list deployments: connection refused");
    Health h = loop.check();
    assertThat(h.isUp()).isTrue();
    assertThat(h.isDegraded()).isTrue();
    assertThat(h.component()).isEqualTo("canaries");
    assertThat(h.detail()).startsWith("the last 3 rounds failed (5 of 7 in all)")
        .contains("last successful round 2023-11-14T22:13:20Z")
        .endsWith("last error: cannot list deployments: connection refused");
    loop.succeeded();
    assertThat(loop.check().isDegraded()).isFalse();
    assertThat(loop.check().detail()).isEqualTo("last successful round 2023-11-14T22:14:20Z; 5 of 8 rounds failed");
    assertThat(loop.failures()).isEqualTo(5);
    assertThat(loop.rounds()).isEqualTo(8);
  }

  @Test
  void aDownComponentIsNeverAlsoDegraded() {
    assertThat(new Health("x", false, "gone", true).isDegraded()).isFalse();
    assertThat(Health.degraded("x", "slow").isUp()).isTrue();
  }
}
