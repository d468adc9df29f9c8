package dev.cairn.server.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.registry.RegistryNames;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.registry.PromotionStore.NewRequest;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Cairn REST for alias governance, all routes in one list:
 * <pre>
 * GET  /api/cairn/v1/registry/policies?name=            a model's protected aliases
 * POST /api/cairn/v1/registry/policies/set              {name, alias, required_approvals}      (admin)
 * POST /api/cairn/v1/registry/policies/delete           {name, alias}                          (admin)
 * POST /api/cairn/v1/registry/promotions/request        {name, alias, version, reason}         (editor)
 * GET  /api/cairn/v1/registry/promotions?name=&amp;status=  requests, newest first, paged
 * GET  /api/cairn/v1/registry/promotions/get?request_id=
 * POST /api/cairn/v1/registry/promotions/approve        {request_id, comment}                  (approver)
 * POST /api/cairn/v1/registry/promotions/reject         {request_id, comment}                  (approver)
 * POST /api/cairn/v1/registry/promotions/cancel         {request_id}                           (the requester)
 * POST /api/cairn/v1/registry/aliases/rollback          {name, alias, reason}                  (approver)
 * GET  /api/cairn/v1/registry/aliases/history?name=&amp;alias=
 * </pre>
 * The roles are checked by the authentication layer's route rules; four eyes (the requester never decides) is
 * checked here and in the store, and needs authentication on: without it every request comes from "local".
 */
public final class PromotionRoutes {
  public static final String PREFIX = "/api/cairn/v1/registry/";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  enum Method { GET, POST }

  record Route(Method method, String path, Function<RegistryHandlers.Call, JsonNode> action) {}

  private final PromotionStore promotions;
  private final ModelRegistryStore registry;
  private final MetadataStore tracking;

  private PromotionRoutes(PromotionStore promotions, ModelRegistryStore registry, MetadataStore tracking) {
    this.promotions = promotions;
    this.registry = registry;
    this.tracking = tracking;
  }

  List<Route> routes() {
    return List.of(
        new Route(Method.GET, "policies", this::policies),
        new Route(Method.POST, "policies/set", this::setPolicy),
        new Route(Method.POST, "policies/delete", this::deletePolicy),
        new Route(Method.POST, "promotions/request", this::request),
        new Route(Method.GET, "promotions", this::list),
        new Route(Method.GET, "promotions/get", this::get),
        new Route(Method.POST, "promotions/approve", this::approve),
        new Route(Method.POST, "promotions/reject", this::reject),
        new Route(Method.POST, "promotions/cancel", this::cancel),
        new Route(Method.POST, "aliases/rollback", this::rollback),
        new Route(Method.GET, "aliases/history", this::history));
  }

  public static void register(RoutesConfig config, PromotionStore promotions, ModelRegistryStore registry,
      MetadataStore tracking) {
    for (Route route : new PromotionRoutes(promotions, registry, tracking).routes()) {
      String path = PREFIX + route.path();
      if (route.method() == Method.GET) {
        config.get(path, ctx -> respond(ctx, route, RequestFields.ofQuery(ctx.queryParamMap())));
      } else {
        config.post(path, ctx -> respond(ctx, route, RequestFields.ofJsonBody(ctx.req().getInputStream())));
      }
    }
  }

  private static void respond(Context ctx, Route route, RequestFields fields) {
    Object actor = ctx.attribute(RegistryRoutes.ACTOR_ATTRIBUTE);
    Responses.json(ctx, 200, route.action().apply(new RegistryHandlers.Call(fields, actor == null ? null : actor.toString())));
  }

  // ---- policies

  private JsonNode policies(RegistryHandlers.Call c) {
    ObjectNode body = NODES.objectNode();
    ArrayNode list = body.putArray("policies");
    promotions.policies(c.fields().requiredString("name")).forEach(p -> list.add(policy(p)));
    return body;
  }

  private JsonNode setPolicy(RegistryHandlers.Call c) {
    RequestFields f = c.fields();
    int approvals = f.intValue("required_approvals", 1, 1, PromotionPolicy.MAX_APPROVALS);
    PromotionPolicy p = promotions.setPolicy(f.requiredString("name"), f.requiredString("alias"), approvals, actor(c));
    ObjectNode body = NODES.objectNode();
    body.set("policy", policy(p));
    return body;
  }

  private JsonNode deletePolicy(RegistryHandlers.Call c) {
    promotions.deletePolicy(c.fields().requiredString("name"), c.fields().requiredString("alias"));
    return NODES.objectNode();
  }

  // ---- requests

  private JsonNode request(RegistryHandlers.Call c) {
    RequestFields f = c.fields();
    String name = f.requiredString("name");
    String alias = RegistryNames.requireAlias(f.requiredString("alias"));
    int version = RegistryNames.parseVersion(f.requiredString("version"));
    String evidence = Json.write(evidence(name, alias, version));
    PromotionRequest r = promotions.request(new NewRequest(name, alias, version, actor(c), f.string("reason"), evidence));
    return wrap(r);
  }

  private JsonNode list(RegistryHandlers.Call c) {
    RequestFields f = c.fields();
    String status = f.string("status");
    PromotionRequest.Status wanted = null;
    if (status != null && !status.isBlank()) {
      try {
        wanted = PromotionRequest.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw CairnException.invalid("status '" + status + "' is not one of pending, applied, rejected, cancelled");
      }
    }
    Page<PromotionRequest> page = promotions.list(f.string("name"), wanted,
        f.intValue("max_results", 100, 1, PromotionStore.MAX_PAGE), f.string("page_token"));
    ObjectNode body = NODES.objectNode();
    ArrayNode list = body.putArray("requests");
    page.items().forEach(r -> list.add(request(r)));
    if (page.nextPageToken() != null) {
      body.put("next_page_token", page.nextPageToken());
    }
    return body;
  }

  private JsonNode get(RegistryHandlers.Call c) {
    return wrap(promotions.get(c.fields().requiredString("request_id")));
  }

  private JsonNode approve(RegistryHandlers.Call c) {
    PromotionStore.Outcome o = promotions.approve(c.fields().requiredString("request_id"), decider(c),
        c.fields().string("comment"));
    ObjectNode body = wrap(o.request());
    body.put("applied", o.applied());
    return body;
  }

  private JsonNode reject(RegistryHandlers.Call c) {
    return wrap(promotions.reject(c.fields().requiredString("request_id"), decider(c), c.fields().string("comment")));
  }

  private JsonNode cancel(RegistryHandlers.Call c) {
    return wrap(promotions.cancel(c.fields().requiredString("request_id"), actor(c)));
  }

  // ---- aliases

  private JsonNode rollback(RegistryHandlers.Call c) {
    RequestFields f = c.fields();
    AliasChange change = promotions.rollback(f.requiredString("name"), f.requiredString("alias"), decider(c),
        f.string("reason"));
    ObjectNode body = NODES.objectNode();
    body.set("change", change(change));
    return body;
  }

  private JsonNode history(RegistryHandlers.Call c) {
    RequestFields f = c.fields();
    ObjectNode body = NODES.objectNode();
    ArrayNode list = body.putArray("changes");
    promotions.history(f.requiredString("name"), f.requiredString("alias"),
        f.intValue("max_results", 100, 1, PromotionStore.MAX_PAGE)).forEach(ch -> list.add(change(ch)));
    return body;
  }

  // ---- helpers

  private static String actor(RegistryHandlers.Call c) {
    return c.actor() == null ? "local" : c.actor();
  }

  /** Approvals need people to tell apart: with authentication off everyone is "local", so they are refused. */
  private static String decider(RegistryHandlers.Call c) {
    if (c.actor() == null) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "approving, rejecting and rolling back need authentication,"
          + " so that the requester and the approvers are different people: start the server with --auth");
    }
    return c.actor();
  }

  /** The candidate's latest metrics beside the current holder's, from their source runs, for approvers to compare. */
  private ObjectNode evidence(String name, String alias, int version) {
    ObjectNode evidence = NODES.objectNode();
    evidence.set("candidate", side(registry.getModelVersion(name, version)));
    ModelVersion holder = null;
    try {
      holder = registry.getModelVersionByAlias(name, alias);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
    }
    evidence.set("current", holder == null ? NODES.nullNode() : side(holder));
    return evidence;
  }

  private ObjectNode side(ModelVersion v) {
    ObjectNode side = NODES.objectNode().put("version", v.version());
    if (v.runId() != null && !v.runId().isEmpty()) {
      side.put("run_id", v.runId());
      ObjectNode metrics = side.putObject("metrics");
      try {
        for (Metric m : tracking.getRun(v.runId()).metrics()) {
          metrics.put(m.key(), m.value());
        }
      } catch (CairnException e) {
        if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
          throw e;
        }
        side.put("run_missing", true);
      }
    }
    return side;
  }

  private static ObjectNode wrap(PromotionRequest r) {
    ObjectNode body = NODES.objectNode();
    body.set("request", request(r));
    return body;
  }

  static ObjectNode policy(PromotionPolicy p) {
    ObjectNode n = NODES.objectNode().put("name", p.modelName()).put("alias", p.alias())
        .put("required_approvals", p.requiredApprovals()).put("updated_time", p.updatedTime());
    if (p.updatedBy() != null) {
      n.put("updated_by", p.updatedBy());
    }
    return n;
  }

  static ObjectNode request(PromotionRequest r) {
    ObjectNode n = NODES.objectNode().put("request_id", r.requestId()).put("name", r.modelName())
        .put("alias", r.alias()).put("version", r.version()).put("requester", r.requester()).put("reason", r.reason())
        .put("status", r.status().name()).put("required_approvals", r.requiredApprovals())
        .put("approvals", r.approvals()).put("created_time", r.createdTime());
    if (r.currentVersion() != null) {
      n.put("current_version", r.currentVersion());
    }
    if (r.decidedTime() != null) {
      n.put("decided_time", r.decidedTime());
    }
    if (r.previousVersion() != null) {
      n.put("previous_version", r.previousVersion());
    }
    if (r.evidenceJson() != null) {
      try {
        n.set("evidence", Json.MAPPER.readTree(r.evidenceJson()));
      } catch (java.io.IOException e) {
        n.put("evidence", r.evidenceJson()); // stored by an older build as plain text: shown as it is
      }
    }
    ArrayNode decisions = n.putArray("decisions");
    for (PromotionRequest.Decision d : r.decisions()) {
      ObjectNode dn = decisions.addObject().put("actor", d.actor()).put("verdict", d.verdict().name())
          .put("time", d.time());
      if (d.comment() != null) {
        dn.put("comment", d.comment());
      }
    }
    return n;
  }

  static ObjectNode change(AliasChange c) {
    ObjectNode n = NODES.objectNode().put("name", c.modelName()).put("alias", c.alias()).put("sequence", c.sequence())
        .put("kind", c.kind().name()).put("time", c.time());
    if (c.fromVersion() != null) {
      n.put("from_version", c.fromVersion());
    }
    if (c.toVersion() != null) {
      n.put("to_version", c.toVersion());
    }
    if (c.actor() != null) {
      n.put("actor", c.actor());
    }
    if (c.requestId() != null) {
      n.put("request_id", c.requestId());
    }
    if (c.reason() != null) {
      n.put("reason", c.reason());
    }
    return n;
  }
}
