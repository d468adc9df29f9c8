package dev.cairn.server.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentChange;
import dev.cairn.serving.deploy.DeploymentJson;
import dev.cairn.serving.deploy.DeploymentPatch;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Deployment REST, all routes in one place (JSON bodies and answers in {@link DeploymentJson}'s form):
 * <pre>
 * POST   /api/cairn/v1/deployments                  create {name, description?, routes, shadows?, sticky?, canary?}
 * GET    /api/cairn/v1/deployments                  list (max_results, page_token)
 * GET    /api/cairn/v1/deployments/{name}           get
 * PATCH  /api/cairn/v1/deployments/{name}           change {expected_version, description?, routes?, shadows?,
 *                                                    sticky? (null or "" removes), canary? (null removes)}
 * DELETE /api/cairn/v1/deployments/{name}           delete (expected_version? in the query)
 * GET    /api/cairn/v1/deployments/{name}/history   changes, newest first (max_results, page_token)
 * POST   /api/cairn/v1/deployments/{name}/rollback  put back the routing after history entry {seq, expected_version}
 * </pre>
 * Handlers only translate: validation, registry checks, concurrency and history are the store's.
 */
public final class DeploymentRoutes {
  public static final String BASE = "/api/cairn/v1/deployments";

  private final DeploymentStore store;

  private DeploymentRoutes(DeploymentStore store) {
    this.store = store;
  }

  public static void register(RoutesConfig routes, DeploymentStore store) {
    DeploymentRoutes r = new DeploymentRoutes(store);
    routes.post(BASE, r::create);
    routes.get(BASE, r::list);
    routes.get(BASE + "/{name}", r::get);
    routes.patch(BASE + "/{name}", r::update);
    routes.delete(BASE + "/{name}", r::delete);
    routes.get(BASE + "/{name}/history", r::history);
    routes.post(BASE + "/{name}/rollback", r::rollback);
  }

  void create(Context ctx) {
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    String name = f.requiredString("name");
    Responses.json(ctx, 200, wrap(store.create(name, DeploymentJson.spec(body(f)))));
  }

  void list(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Page<Deployment> page = store.list(q.intValue("max_results", DeploymentStore.DEFAULT_PAGE_SIZE, 1,
        DeploymentStore.MAX_PAGE_SIZE), q.string("page_token"));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("deployments");
    page.items().forEach(d -> items.add(DeploymentJson.json(d)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void get(Context ctx) {
    Responses.json(ctx, 200, wrap(store.get(ctx.pathParam("name"))));
  }

  void update(Context ctx) {
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    long expected = f.requiredLong("expected_version");
    DeploymentPatch patch = new DeploymentPatch(DeploymentJson.text(body(f), "description"),
        DeploymentJson.routes(f.raw("routes")), DeploymentJson.targets(f.raw("shadows")),
        f.raw("sticky") == null ? null : Optional.ofNullable(DeploymentJson.sticky(f.raw("sticky"))),
        f.raw("canary") == null ? null : Optional.ofNullable(DeploymentJson.canary(f.raw("canary"))));
    if (patch.isEmpty()) {
      throw CairnException.invalid("nothing to change: give at least one of 'routes', 'shadows', 'sticky', 'canary'"
          + " or 'description' beside 'expected_version'");
    }
    Responses.json(ctx, 200, wrap(store.update(ctx.pathParam("name"), expected, patch)));
  }

  void delete(Context ctx) {
    store.delete(ctx.pathParam("name"), RequestFields.ofQuery(ctx.queryParamMap()).longValue("expected_version"));
    Responses.json(ctx, 200, Json.MAPPER.createObjectNode());
  }

  void history(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Page<DeploymentChange> page = store.history(ctx.pathParam("name"), q.intValue("max_results",
        DeploymentStore.DEFAULT_PAGE_SIZE, 1, DeploymentStore.MAX_PAGE_SIZE), q.string("page_token"));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("changes");
    for (DeploymentChange c : page.items()) {
      ObjectNode o = items.addObject();
      o.put("seq", c.seq());
      o.put("kind", c.kind());
      o.put("actor", c.actor());
      o.put("timestamp", c.time());
      if (c.version() != null) {
        o.put("version", c.version());
      }
      o.set("before", c.before() == null ? null : DeploymentJson.parse(c.before()));
      o.set("after", c.after() == null ? null : DeploymentJson.parse(c.after()));
    }
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void rollback(Context ctx) {
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    Responses.json(ctx, 200, wrap(store.rollback(ctx.pathParam("name"), f.requiredLong("seq"),
        f.requiredLong("expected_version"))));
  }

  /** The request body as a JSON object, for the spec reader (absent fields read as absent). */
  private static JsonNode body(RequestFields f) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    for (String field : new String[] {"description", "routes", "shadows", "sticky", "canary"}) {
      if (f.raw(field) != null) {
        o.set(field, f.raw(field));
      }
    }
    return o;
  }

  private static ObjectNode wrap(Deployment d) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("deployment", DeploymentJson.json(d));
    return out;
  }
}
