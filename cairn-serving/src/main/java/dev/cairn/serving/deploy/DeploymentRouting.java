package dev.cairn.serving.deploy;

import dev.cairn.registry.ModelVersion;
import dev.cairn.store.registry.ModelRegistryStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a deployment's targets into concrete model versions, as the registry has them now: what serving must load.
 * Aliases are read at each call, so a moved alias is seen by the next resolution.
 */
public final class DeploymentRouting {
  private DeploymentRouting() {}

  /** A route with the version its target names now. */
  public record ResolvedRoute(Route route, ModelVersion version) {}

  /** A shadow target with the version it names now. */
  public record ResolvedShadow(Target target, ModelVersion version) {}

  /**
   * A deployment's routes, shadows and canary as concrete versions, for the deployment version it was resolved from.
   *
   * @param canary the canary target's version, or null when there is no canary taking traffic
   */
  public record Resolved(String deployment, long deploymentVersion, List<ResolvedRoute> routes,
      List<ResolvedShadow> shadows, ModelVersion canary) {
    public Resolved {
      routes = List.copyOf(routes);
      shadows = List.copyOf(shadows);
    }
  }

  /** Resolves every target; RESOURCE_DOES_NOT_EXIST names the first model, version or alias that is missing. */
  public static Resolved resolve(Deployment deployment, ModelRegistryStore registry) {
    List<ResolvedRoute> routes = new ArrayList<>();
    for (Route r : deployment.spec().routes()) {
      routes.add(new ResolvedRoute(r, lookUp(registry, r.target())));
    }
    List<ResolvedShadow> shadows = new ArrayList<>();
    for (Target t : deployment.spec().shadows()) {
      shadows.add(new ResolvedShadow(t, lookUp(registry, t)));
    }
    Canary canary = deployment.spec().canary();
    return new Resolved(deployment.name(), deployment.version(), routes, shadows,
        canary == null || !canary.state().isActive() ? null : lookUp(registry, canary.target()));
  }

  /** The version one target names now. */
  public static ModelVersion lookUp(ModelRegistryStore registry, Target target) {
    return target.version() != null ? registry.getModelVersion(target.model(), target.version())
        : registry.getModelVersionByAlias(target.model(), target.alias());
  }
}
