package dev.cairn.serving.deploy;

import dev.cairn.core.CairnException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a deployment serves: weighted routes (weights sum to 100 unless there is exactly one route), shadow targets
 * that get a copy of each request and never answer, an optional sticky key and an optional canary (run by the server's
 * {@code CanaryController}, which takes each of its steps as an update of this spec).
 */
public record DeploymentSpec(String description, List<Route> routes, List<Target> shadows, Sticky sticky,
    Canary canary) {
  public static final int MAX_ROUTES = 20;
  public static final int MAX_SHADOWS = 10;
  public static final int MAX_DESCRIPTION_LENGTH = 5000;

  public DeploymentSpec {
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw CairnException.invalid("field 'description' has " + description.length() + " characters; the limit is "
          + MAX_DESCRIPTION_LENGTH);
    }
    routes = routes == null ? List.of() : List.copyOf(routes);
    shadows = shadows == null ? List.of() : List.copyOf(shadows);
    if (routes.isEmpty()) {
      throw CairnException.invalid("field 'routes' is empty; a deployment needs at least one route"
          + " (NAME/VERSION or NAME@ALIAS with a weight)");
    }
    if (routes.size() > MAX_ROUTES) {
      throw CairnException.invalid("field 'routes' has " + routes.size() + " routes; the limit is " + MAX_ROUTES);
    }
    if (shadows.size() > MAX_SHADOWS) {
      throw CairnException.invalid("field 'shadows' has " + shadows.size() + " targets; the limit is " + MAX_SHADOWS);
    }
    int sum = routes.stream().mapToInt(Route::weight).sum();
    if (routes.size() > 1 && sum != Route.MAX_WEIGHT) {
      throw CairnException.invalid("field 'routes' weights sum to " + sum + "; with more than one route they must sum"
          + " to " + Route.MAX_WEIGHT + " ("
          + String.join(", ", routes.stream().map(Route::toString).toList()) + ")");
    }
    if (routes.size() == 1 && routes.get(0).weight() == 0) {
      throw CairnException.invalid("field 'routes' has one route of weight 0; it would get no traffic");
    }
    Set<String> seen = new HashSet<>();
    for (Route r : routes) {
      if (!seen.add(r.target().toString())) {
        throw CairnException.invalid("field 'routes' names target " + r.target() + " twice; merge the weights");
      }
    }
    for (Target t : shadows) {
      if (!seen.add(t.toString())) {
        throw CairnException.invalid("field 'shadows' target " + t
            + " is already a route or a shadow; a target is either served or shadowed, once");
      }
    }
  }

  /** Every target this spec names: routes, shadows and the canary's, each once, in that order. */
  public List<Target> targets() {
    Set<Target> all = new java.util.LinkedHashSet<>();
    routes.forEach(r -> all.add(r.target()));
    all.addAll(shadows);
    if (canary != null) {
      all.add(canary.target());
    }
    return List.copyOf(all);
  }

  /** The registered models this spec names (what a per-model authorisation would check). */
  public Set<String> models() {
    Set<String> names = new java.util.TreeSet<>();
    targets().forEach(t -> names.add(t.model()));
    return names;
  }
}
