package dev.cairn.serving.deploy;

import java.util.List;
import java.util.Optional;

/**
 * The parts of a deployment an update changes; a null field is left as it is. For the sticky key and the canary,
 * null leaves them, {@code Optional.empty()} removes them.
 */
public record DeploymentPatch(String description, List<Route> routes, List<Target> shadows,
    Optional<Sticky> sticky, Optional<Canary> canary) {

  /** Only new routes. */
  public static DeploymentPatch routes(List<Route> routes) {
    return new DeploymentPatch(null, routes, null, null, null);
  }

  /** The spec after this patch (validated again as a whole). */
  public DeploymentSpec applyTo(DeploymentSpec old) {
    return new DeploymentSpec(description != null ? description : old.description(),
        routes != null ? routes : old.routes(), shadows != null ? shadows : old.shadows(),
        sticky != null ? sticky.orElse(null) : old.sticky(), canary != null ? canary.orElse(null) : old.canary());
  }

  /** Whether the patch changes nothing at all. */
  public boolean isEmpty() {
    return description == null && routes == null && shadows == null && sticky == null && canary == null;
  }
}
