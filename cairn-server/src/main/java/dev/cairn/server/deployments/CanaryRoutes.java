package dev.cairn.server.deployments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.serving.canary.CanaryController;
import dev.cairn.serving.canary.CanaryStart;
import dev.cairn.serving.deploy.Canary;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentJson;
import dev.cairn.serving.deploy.Target;
import dev.cairn.store.audit.AuditScope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * A deployment's canary, all routes in one place:
 * <pre>
 * POST /api/cairn/v1/deployments/{name}/canary          start {target (NAME/VERSION or NAME@ALIAS) or version (of the
 *                                                        stable route's model), percent and/or steps, until, for?,
 *                                                        min_requests?, unknown_timeout?, expected_version?}
 * GET  /api/cairn/v1/deployments/{name}/canary          status: the canary and this server's latest check
 * POST /api/cairn/v1/deployments/{name}/canary/abort    stop it; traffic back to the stable routes
 * POST /api/cairn/v1/deployments/{name}/canary/promote  promote it now (a promotion request when the alias is
 *                                                        protected)
 * </pre>
 * Answers carry the deployment and {@code canary} in {@link DeploymentJson}'s form.
 */
public final class CanaryRoutes {
  private final CanaryController canaries;

  private CanaryRoutes(CanaryController canaries) {
    this.canaries = canaries;
  }

  public static void register(RoutesConfig routes, CanaryController canaries) {
    CanaryRoutes r = new CanaryRoutes(canaries);
    routes.post(DeploymentRoutes.BASE + "/{name}/canary", r::start);
    routes.get(DeploymentRoutes.BASE + "/{name}/canary", r::status);
    routes.post(DeploymentRoutes.BASE + "/{name}/canary/abort", r::abort);
    routes.post(DeploymentRoutes.BASE + "/{name}/canary/promote", r::promote);
  }

  void start(Context ctx) {
    String name = Deployment.requireName(ctx.pathParam("name"));
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    Target target;
    if (f.has("target")) {
      target = Target.parse("target", f.string("target"));
    } else if (f.has("version")) {
      target = canaries.versionOfStableModel(name, f.longValue("version"));
    } else {
      throw CairnException.invalid("field 'target' is missing; give the canary's NAME/VERSION or NAME@ALIAS, or its"
          + " 'version' of the stable route's model");
    }
    CanaryStart start = new CanaryStart(target, percent(f.longValue("percent")), DeploymentJson.steps(f.raw("steps")),
        f.string("until"), f.string("for"), f.longValue("min_requests"), f.string("unknown_timeout"),
        f.longValue("expected_version"));
    Responses.json(ctx, 200, answer(canaries.start(name, start, actor())));
  }

  void status(Context ctx) {
    String name = ctx.pathParam("name");
    Canary c = canaries.canary(name);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("canary", DeploymentJson.canary(c));
    canaries.lastCheck(name).ifPresent(check -> {
      ObjectNode n = out.putObject("last_check");
      n.put("timestamp", check.timeMs());
      n.put("verdict", check.verdict().name().toLowerCase(java.util.Locale.ROOT));
      n.put("detail", check.detail());
      n.put("canary_requests", check.canaryRequests());
      n.put("baseline_requests", check.baselineRequests());
      if (check.heldSinceMs() != null) {
        n.put("held_since", check.heldSinceMs());
      }
    });
    Responses.json(ctx, 200, out);
  }

  void abort(Context ctx) {
    Responses.json(ctx, 200, answer(canaries.abort(ctx.pathParam("name"), actor())));
  }

  void promote(Context ctx) {
    Responses.json(ctx, 200, answer(canaries.promote(ctx.pathParam("name"), actor())));
  }

  private static Integer percent(Long value) {
    return value == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }

  /** The signed-in user (the request's audit actor), or {@code local} with authentication off. */
  private static String actor() {
    AuditScope scope = AuditScope.current();
    return scope == null ? "local" : scope.actor();
  }

  private static ObjectNode answer(Deployment d) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("deployment", DeploymentJson.json(d));
    return out;
  }
}
