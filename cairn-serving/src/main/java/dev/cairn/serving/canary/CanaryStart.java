package dev.cairn.serving.canary;

import dev.cairn.core.CairnException;
import dev.cairn.serving.deploy.Canary;
import dev.cairn.serving.deploy.Target;
import dev.cairn.serving.rules.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What starting a canary asks for, checked before anything is written; errors name the request field.
 *
 * @param target the version (or alias) to try
 * @param percent the first step's share of traffic; null to start at the first of {@code steps}
 * @param steps the percents to ramp through (null: just {@code percent}); {@code percent} below the first is put first
 * @param until the condition the canary must meet, in the language of {@link Condition}
 * @param forDuration how long it must hold at each step (default {@link #DEFAULT_FOR})
 * @param minRequests requests the canary must answer in a step before any decision (default
 *     {@link Canary.Plan#DEFAULT_MIN_REQUESTS})
 * @param unknownTimeout how long a step may stay undecided before the canary rolls back (default 24h)
 * @param expectedVersion the deployment version this start was based on, or null for whatever is current
 */
public record CanaryStart(Target target, Integer percent, List<Integer> steps, String until, String forDuration,
    Long minRequests, String unknownTimeout, Long expectedVersion) {
  public static final String DEFAULT_FOR = "30m";

  public CanaryStart {
    if (target == null) {
      throw CairnException.invalid("field 'target' is missing; give the canary's NAME/VERSION or NAME@ALIAS");
    }
    if (percent != null && (percent < 1 || percent > 99)) {
      throw CairnException.invalid("field 'percent' is " + percent + "; a canary takes 1 to 99 percent of traffic");
    }
    if (percent == null && (steps == null || steps.isEmpty())) {
      throw CairnException.invalid("field 'percent' is missing; give the canary's share of traffic (1 to 99) or"
          + " its 'steps'");
    }
    if (until == null || until.isBlank()) {
      throw CairnException.invalid("field 'until' is missing; give the condition the canary must meet, e.g."
          + " 'p99_ms < 50 and accuracy >= baseline - 0.01'");
    }
    Condition condition;
    try {
      condition = Condition.parse(until);
    } catch (CairnException e) {
      throw CairnException.invalid("field 'until': " + e.getMessage());
    }
    if (condition.windowsNeeded() > 1) {
      throw CairnException.invalid("field 'until' uses 'over " + condition.windowsNeeded() + " windows'; a canary"
          + " reads one window per step (the step so far), so write the condition without 'over'");
    }
    forDuration = forDuration == null ? DEFAULT_FOR : forDuration;
    Canary.Durations.millis("for", forDuration);
    if (unknownTimeout != null) {
      Canary.Durations.millis("unknown_timeout", unknownTimeout);
    }
    if (minRequests != null && (minRequests < 0 || minRequests > 1_000_000_000L)) {
      throw CairnException.invalid("field 'min_requests' is " + minRequests + "; it must be 0 to 1000000000");
    }
  }

  /** The ramp: {@code percent} first (when given and below the first step), then {@code steps}. */
  public List<Integer> ramp() {
    List<Integer> out = new ArrayList<>();
    if (steps == null || steps.isEmpty()) {
      out.add(percent);
      return out;
    }
    if (percent != null && percent > steps.get(0)) {
      throw CairnException.invalid("field 'percent' is " + percent + " but the first of 'steps' " + steps + " is "
          + steps.get(0) + "; the canary starts at 'percent' and ramps up through 'steps'");
    }
    if (percent != null && percent < steps.get(0)) {
      out.add(percent);
    }
    out.addAll(steps);
    try {
      new Canary.Plan(out, 0, null);
    } catch (CairnException e) {
      throw CairnException.invalid(e.getMessage().replace("canary.steps", "steps"));
    }
    return out;
  }
}
