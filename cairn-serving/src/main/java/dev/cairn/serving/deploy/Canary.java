package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import java.util.List;
import java.util.Locale;

/**
 * A canary: {@code percent} of traffic to {@code target} while the {@code until} condition is checked; each time it
 * has held {@code forDuration} (e.g. {@code 30m}) the canary ramps to the next of its {@link Plan#steps}, and after
 * the last it is promoted; a false condition rolls it back. Executed by the server's canary controller; the record is
 * stored with the deployment, so every step is a deployment version (optimistic, in its history).
 *
 * @param percent the share of traffic the canary takes now (while it is active)
 * @param plan how it ramps and decides; never null (defaults when absent from older stored records)
 * @param progress where it stands; never null
 */
public record Canary(Target target, int percent, String until, String forDuration, State state, Plan plan,
    Progress progress) {
  public static final int MAX_UNTIL_LENGTH = 1000;
  public static final int MAX_STEPS = 10;
  public static final int MAX_REASON_LENGTH = 2000;

  /** Where a canary stands; only {@code ramping} and {@code awaiting_approval} take traffic. */
  public enum State {
    RAMPING, AWAITING_APPROVAL, PROMOTED, ROLLED_BACK, ABORTED;

    /** Reads {@code ramping}, {@code awaiting_approval}, {@code promoted}, {@code rolled_back} or {@code aborted}. */
    public static State parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw CairnException.invalid("field 'canary.state' value '" + text
            + "' is not one of ramping, awaiting_approval, promoted, rolled_back, aborted");
      }
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the canary still takes traffic and waits for a decision. */
    public boolean isActive() {
      return this == RAMPING || this == AWAITING_APPROVAL;
    }
  }

  /**
   * How the canary ramps and decides.
   *
   * @param steps the percents it takes, increasing (the first is where it starts); promoted after the last
   * @param minRequests requests the canary must have answered in a step before a false condition rolls it back
   * @param unknownTimeout how long a step may stay undecided (the condition unknown or not yet held) before the canary
   *     rolls back: a canary never waits forever on figures that do not come
   */
  public record Plan(List<Integer> steps, long minRequests, String unknownTimeout) {
    public static final long DEFAULT_MIN_REQUESTS = 100;
    public static final String DEFAULT_UNKNOWN_TIMEOUT = "24h";

    public Plan {
      steps = steps == null ? List.of() : List.copyOf(steps);
      if (steps.size() > MAX_STEPS) {
        throw CairnException.invalid("field 'canary.steps' has " + steps.size() + " steps; the limit is " + MAX_STEPS);
      }
      for (int i = 0; i < steps.size(); i++) {
        int p = steps.get(i);
        if (p < 1 || p > 99) {
          throw CairnException.invalid("field 'canary.steps[" + i + "]' is " + p + "; a step takes 1 to 99 percent");
        }
        if (i > 0 && p <= steps.get(i - 1)) {
          throw CairnException.invalid("field 'canary.steps' " + steps + " must increase; step " + i + " (" + p
              + ") is not above the one before");
        }
      }
      if (minRequests < 0 || minRequests > 1_000_000_000L) {
        throw CairnException.invalid("field 'canary.min_requests' is " + minRequests + "; it must be 0 to 1000000000");
      }
      unknownTimeout = unknownTimeout == null ? DEFAULT_UNKNOWN_TIMEOUT : unknownTimeout;
      Durations.millis("canary.unknown_timeout", unknownTimeout);
    }
  }

  /**
   * Where a running (or finished) canary stands.
   *
   * @param step index of the current step in {@link Plan#steps}
   * @param startedMs when it started (epoch ms, the controller's clock)
   * @param stepStartedMs when the current step started: its figures are read from here on
   * @param startedBy who started it (a promotion request is asked in their name, so they cannot approve it)
   * @param reason why it ended, or the last decision's detail; null while nothing was decided
   * @param promotionRequestId the promotion request waiting for approval, when the stable alias is protected
   * @param heldSinceMs since when the condition has been true in a row in the current step, or null: stored, so a
   *     restarted server, or another one on the same database, continues the hold instead of starting it again
   */
  public record Progress(int step, long startedMs, long stepStartedMs, String startedBy, String reason,
      String promotionRequestId, Long heldSinceMs) {
    /** Progress with no hold under way. */
    public Progress(int step, long startedMs, long stepStartedMs, String startedBy, String reason,
        String promotionRequestId) {
      this(step, startedMs, stepStartedMs, startedBy, reason, promotionRequestId, null);
    }

    public Progress {
      if (step < 0 || step >= MAX_STEPS) {
        throw CairnException.invalid("field 'canary.step' is " + step + "; it must be 0 to " + (MAX_STEPS - 1));
      }
      if (reason != null && reason.length() > MAX_REASON_LENGTH) {
        reason = reason.substring(0, MAX_REASON_LENGTH); // a decision's detail may be long; the gist fits
      }
    }
  }

  /** A canary as it was stored before it was executed: a single step, default plan, not started. */
  public Canary(Target target, int percent, String until, String forDuration, State state) {
    this(target, percent, until, forDuration, state, null, null);
  }

  public Canary {
    if (target == null) {
      throw CairnException.invalid("field 'canary.target' is missing; expected NAME/VERSION or NAME@ALIAS");
    }
    if (percent < 1 || percent > 99) {
      throw CairnException.invalid("field 'canary.percent' is " + percent + "; a canary takes 1 to 99 percent");
    }
    if (until != null && until.length() > MAX_UNTIL_LENGTH) {
      throw CairnException.invalid("field 'canary.until' has " + until.length() + " characters; the limit is "
          + MAX_UNTIL_LENGTH);
    }
    if (forDuration != null) {
      Durations.millis("canary.for", forDuration);
    }
    state = state == null ? State.RAMPING : state;
    plan = plan == null ? new Plan(List.of(percent), Plan.DEFAULT_MIN_REQUESTS, null)
        : plan.steps().isEmpty() ? new Plan(List.of(percent), plan.minRequests(), plan.unknownTimeout()) : plan;
    progress = progress == null ? new Progress(0, 0, 0, null, null, null) : progress;
    if (progress.step() >= plan.steps().size()) {
      throw CairnException.invalid("field 'canary.step' is " + progress.step() + " but there are only "
          + plan.steps().size() + " steps");
    }
  }

  /** The share of traffic the canary gets now: its percent while active, else none. */
  public int trafficPercent() {
    return state.isActive() ? percent : 0;
  }

  /** Whether the current step is the last one (holding it promotes the canary). */
  public boolean isLastStep() {
    return progress.step() == plan.steps().size() - 1;
  }

  /** This canary in another state, with {@code reason}. */
  public Canary withState(State next, String reason) {
    return new Canary(target, percent, until, forDuration, next, plan,
        new Progress(progress.step(), progress.startedMs(), progress.stepStartedMs(), progress.startedBy(), reason,
            progress.promotionRequestId(), progress.heldSinceMs()));
  }

  /** This canary with its condition held since {@code sinceMs} in the current step (null: not held). */
  public Canary heldSince(Long sinceMs) {
    return new Canary(target, percent, until, forDuration, state, plan,
        new Progress(progress.step(), progress.startedMs(), progress.stepStartedMs(), progress.startedBy(),
            progress.reason(), progress.promotionRequestId(), sinceMs));
  }

  /** This canary at its next step, started at {@code nowMs}. */
  public Canary nextStep(long nowMs, String reason) {
    int next = progress.step() + 1;
    return new Canary(target, plan.steps().get(next), until, forDuration, State.RAMPING, plan,
        new Progress(next, progress.startedMs(), nowMs, progress.startedBy(), reason, null));
  }

  /** This canary with its current step starting at {@code nowMs} (and the whole canary, if it had not started). */
  public Canary startedAt(long nowMs) {
    return new Canary(target, percent, until, forDuration, state, plan,
        new Progress(progress.step(), progress.startedMs() == 0 ? nowMs : progress.startedMs(), nowMs,
            progress.startedBy(), progress.reason(), progress.promotionRequestId(), null));
  }

  /** This canary waiting for promotion request {@code requestId}. */
  public Canary awaiting(String requestId, String reason) {
    return new Canary(target, percent, until, forDuration, State.AWAITING_APPROVAL, plan,
        new Progress(progress.step(), progress.startedMs(), progress.stepStartedMs(), progress.startedBy(), reason,
            requestId, progress.heldSinceMs()));
  }

  /** Durations written {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d} or {@code 500ms}. */
  public static final class Durations {
    private Durations() {}

    /** The duration in milliseconds; {@code field} names it in the error. */
    public static long millis(String field, String text) {
      if (text == null || !text.matches("\\d{1,6}(ms|s|m|h|d)")) {
        throw CairnException.invalid("field '" + field + "' value '" + text
            + "' is not a duration such as 90s, 30m, 2h or 1d");
      }
      String unit = text.replaceAll("\\d", "");
      long n = Long.parseLong(text.substring(0, text.length() - unit.length()));
      return switch (unit) {
        case "ms" -> n;
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        case "h" -> n * 3_600_000;
        default -> n * 86_400_000;
      };
    }
  }
}
