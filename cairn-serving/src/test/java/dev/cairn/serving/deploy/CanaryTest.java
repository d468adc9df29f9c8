package dev.cairn.serving.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.Json;
import dev.cairn.serving.canary.CanaryStart;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The canary record: its JSON (older stored records still read), its plan's checks and its steps. */
class CanaryTest {
  static final Target V2 = new Target("churn", 2, null);

  @Test
  void aCanaryStoredBeforeItCouldRunReadsWithTheDefaultPlan() {
    Canary old = DeploymentJson.canary(DeploymentJson.parse("{\"target\":\"churn/2\",\"percent\":10,"
        + "\"until\":\"error_rate < 0.01\",\"for\":\"30m\",\"state\":\"ramping\"}"));
    assertThat(old.plan().steps()).containsExactly(10);
    assertThat(old.plan().minRequests()).isEqualTo(Canary.Plan.DEFAULT_MIN_REQUESTS);
    assertThat(old.plan().unknownTimeout()).isEqualTo("24h");
    assertThat(old.progress().step()).isZero();
    assertThat(old.trafficPercent()).isEqualTo(10);
    assertThat(old.isLastStep()).isTrue();
  }

  @Test
  void aRunningCanaryRoundTripsThroughItsJson() {
    Canary c = new Canary(V2, 25, "p99_ms < 50", "10m", Canary.State.AWAITING_APPROVAL,
        new Canary.Plan(List.of(10, 25, 50), 40, "2h"), new Canary.Progress(1, 1000, 2000, "eddie", "held", "r1"));
    String text = Json.write(DeploymentJson.canary(c));
    assertThat(DeploymentJson.canary(DeploymentJson.parse(text))).isEqualTo(c);
    assertThat(text).contains("\"state\":\"awaiting_approval\"").contains("\"steps\":[10,25,50]");
  }

  @Test
  void aHoldRoundTripsAndAStoredCanaryWithoutOneReadsAsNotHeld() {
    Canary held = new Canary(V2, 10, "error_rate < 0.01", "30m", Canary.State.RAMPING,
        new Canary.Plan(List.of(10, 50), 100, "24h"), new Canary.Progress(0, 1000, 1000, "eddie", null, null, 61_000L));
    String text = Json.write(DeploymentJson.canary(held));
    assertThat(text).contains("\"held_since\":61000");
    assertThat(DeploymentJson.canary(DeploymentJson.parse(text))).isEqualTo(held);
    Canary older = DeploymentJson.canary(DeploymentJson.parse(text.replace(",\"held_since\":61000", "")));
    assertThat(older.progress().heldSinceMs()).as("written before holds were stored").isNull();
    assertThat(held.withState(Canary.State.ROLLED_BACK, "worse").progress().heldSinceMs()).isEqualTo(61_000L);
    assertThat(held.nextStep(99, "held").progress().heldSinceMs()).as("a new step holds nothing yet").isNull();
    assertThat(held.startedAt(99).progress().heldSinceMs()).isNull();
    assertThat(held.heldSince(null).progress().heldSinceMs()).isNull();
  }

  @Test
  void stepsRampAndOnlyActiveStatesTakeTraffic() {
    Canary c = new Canary(V2, 10, "p99_ms < 50", "1m", null, new Canary.Plan(List.of(10, 50), 0, null),
        new Canary.Progress(0, 5, 5, "eddie", null, null));
    Canary next = c.nextStep(99, "held");
    assertThat(next.percent()).isEqualTo(50);
    assertThat(next.progress().stepStartedMs()).isEqualTo(99);
    assertThat(next.progress().startedMs()).isEqualTo(5);
    assertThat(next.isLastStep()).isTrue();
    assertThat(next.withState(Canary.State.ROLLED_BACK, "worse").trafficPercent()).isZero();
    assertThat(next.awaiting("r1", "asked").trafficPercent()).isEqualTo(50);
  }

  @Test
  void badPlansNameTheField() {
    assertThatThrownBy(() -> new Canary.Plan(List.of(10, 10), 0, null))
        .hasMessageContaining("field 'canary.steps' [10, 10] must increase");
    assertThatThrownBy(() -> new Canary.Plan(List.of(0), 0, null)).hasMessageContaining("'canary.steps[0]' is 0");
    assertThatThrownBy(() -> new Canary.Plan(List.of(10), -1, null)).hasMessageContaining("'canary.min_requests'");
    assertThatThrownBy(() -> new Canary.Plan(List.of(10), 0, "forever"))
        .hasMessageContaining("field 'canary.unknown_timeout' value 'forever' is not a duration");
    assertThatThrownBy(() -> DeploymentJson.canary(DeploymentJson.parse("{\"target\":\"churn/2\",\"percent\":10,"
        + "\"steps\":\"10,x\"}"))).hasMessageContaining("'x' is not a whole percent");
    assertThat(Canary.Durations.millis("for", "90s")).isEqualTo(90_000);
    assertThat(Canary.Durations.millis("for", "2h")).isEqualTo(7_200_000);
  }

  @Test
  void aStartChecksItsConditionAndBuildsTheRamp() {
    assertThat(new CanaryStart(V2, 5, List.of(10, 50), "p99_ms < 50", null, null, null, null).ramp())
        .containsExactly(5, 10, 50);
    assertThat(new CanaryStart(V2, null, List.of(10, 50), "p99_ms < 50", null, null, null, null).ramp())
        .containsExactly(10, 50);
    assertThat(new CanaryStart(V2, 10, null, "p99_ms < 50", null, null, null, null).forDuration())
        .isEqualTo(CanaryStart.DEFAULT_FOR);
    assertThatThrownBy(() -> new CanaryStart(V2, 30, List.of(10, 50), "p99_ms < 50", null, null, null, null).ramp())
        .hasMessageContaining("field 'percent' is 30 but the first of 'steps'");
    assertThatThrownBy(() -> new CanaryStart(V2, 10, null, "accuracy < 0.8 over 3 windows", null, null, null, null))
        .hasMessageContaining("field 'until' uses 'over 3 windows'");
    assertThatThrownBy(() -> new CanaryStart(V2, 10, null, "psi(", null, null, null, null))
        .hasMessageContaining("field 'until': condition 'psi('");
    assertThatThrownBy(() -> new CanaryStart(V2, 10, null, null, null, null, null, null))
        .hasMessageContaining("field 'until' is missing");
    assertThatThrownBy(() -> new CanaryStart(V2, 10, null, "p99_ms < 50", "soon", null, null, null))
        .hasMessageContaining("field 'for' value 'soon'");
  }
}
