package dev.cairn.client;

import java.util.List;

/**
 * A deployment as the server has it: weighted routes to model versions ({@code NAME/VERSION}) or aliases
 * ({@code NAME@ALIAS}), shadow targets that get a copy of each request, an optional sticky key ({@code header:NAME}
 * or {@code field:NAME}), an optional canary, and the version an update must name.
 *
 * @param sticky null when requests are spread at random
 * @param canary null when there is none
 */
public record DeploymentInfo(String name, String description, List<Route> routes, List<String> shadows,
    String sticky, Canary canary, long version, String createdBy, long createdAt, String updatedBy, long updatedAt) {
  public DeploymentInfo {
    routes = List.copyOf(routes);
    shadows = List.copyOf(shadows);
  }

  /** A share ({@code weight} of 100) of the traffic to {@code target}. */
  public record Route(String target, int weight) {
    /** Reads the CLI's {@code TARGET=WEIGHT}; a bare target weighs 100. */
    public static Route parse(String text) {
      int eq = text.lastIndexOf('=');
      if (eq < 0) {
        return new Route(text.strip(), 100);
      }
      String w = text.substring(eq + 1).strip();
      try {
        return new Route(text.substring(0, eq).strip(), Integer.parseInt(w));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("route '" + text + "': weight '" + w
            + "' is not a whole number from 0 to 100; expected TARGET=WEIGHT, e.g. churn@champion=90");
      }
    }

    @Override
    public String toString() {
      return target + "=" + weight;
    }
  }

  /**
   * A canary: {@code percent} of traffic to {@code target}; each time {@code until} has held for {@code forDuration}
   * it ramps to the next of {@code steps}, after the last it is promoted, and a false {@code until} rolls it back.
   *
   * @param state ramping, awaiting_approval, promoted, rolled_back or aborted
   * @param steps the percents it ramps through; {@code step} is the index of the current one
   * @param startedBy who started it (a promotion request is made in their name)
   * @param reason why it ended, or the latest decision's detail; null before any
   * @param promotionRequestId the promotion request it waits on, when the stable alias is protected
   */
  public record Canary(String target, int percent, String until, String forDuration, String state,
      List<Integer> steps, int step, String startedBy, String reason, String promotionRequestId) {
    public Canary {
      steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A canary as an older server describes it (no ramp or progress). */
    public Canary(String target, int percent, String until, String forDuration, String state) {
      this(target, percent, until, forDuration, state, List.of(percent), 0, null, null, null);
    }
  }

  /**
   * What starting a canary asks for: {@code target} ({@code NAME/VERSION} or {@code NAME@ALIAS}) or {@code version}
   * (of the stable route's model); {@code percent} and/or {@code steps}; the {@code until} condition; the rest may be
   * null for the server's defaults (for 30m, min_requests 100, unknown_timeout 24h).
   */
  public record CanaryStart(String target, Integer version, Integer percent, List<Integer> steps, String until,
      String forDuration, Long minRequests, String unknownTimeout) {}

  /**
   * A canary with the answering server's latest check of it ({@code lastVerdict} true, false or unknown, with the
   * comparisons it saw); the check fields are null before that server checked it.
   */
  public record CanaryStatus(Canary canary, String lastVerdict, String lastDetail, Long canaryRequests,
      Long baselineRequests, Long checkedAt) {}
}
