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

  /** A canary: {@code percent} of traffic to {@code target} until {@code until} holds for {@code forDuration}. */
  public record Canary(String target, int percent, String until, String forDuration, String state) {}
}
