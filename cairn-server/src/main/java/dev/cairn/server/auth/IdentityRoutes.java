package dev.cairn.server.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.identity.ApiToken;
import dev.cairn.identity.Role;
import dev.cairn.identity.RoleGrant;
import dev.cairn.identity.Scope;
import dev.cairn.identity.User;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.store.identity.IdentityStore;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

/**
 * Cairn's REST API for users, role grants and API tokens, under {@value #PREFIX}. Who may call which route is
 * {@link RouteRules}' business; token routes also check here that a non-admin only touches their own tokens.
 */
public final class IdentityRoutes {
  public static final String PREFIX = "/api/cairn/v1/";
  /** The longest a token may live when an expiry is given in days. */
  static final int MAX_EXPIRY_DAYS = 3650;

  private final IdentityStore store;

  private IdentityRoutes(IdentityStore store) {
    this.store = store;
  }

  public static void register(JavalinDefaultRoutingApi routes, IdentityStore store) {
    IdentityRoutes r = new IdentityRoutes(store);
    routes.get(PREFIX + "whoami", r::whoami);
    routes.post(PREFIX + "users", r::createUser);
    routes.get(PREFIX + "users", r::listUsers);
    routes.get(PREFIX + "users/{name}", r::getUser);
    routes.post(PREFIX + "users/{name}/disable", r::disableUser);
    routes.post(PREFIX + "users/{name}/password", r::setPassword);
    routes.get(PREFIX + "users/{name}/grants", r::listGrants);
    routes.post(PREFIX + "users/{name}/grants", r::grant);
    routes.delete(PREFIX + "users/{name}/grants", r::revoke);
    routes.post(PREFIX + "tokens", r::createToken);
    routes.get(PREFIX + "tokens", r::listTokens);
    routes.delete(PREFIX + "tokens/{id}", r::revokeToken);
  }

  private void whoami(Context ctx) {
    String actor = Access.actor(ctx);
    ObjectNode out = object().put("user", actor);
    ArrayNode grants = out.putArray("grants");
    if (ctx.attribute(Access.ACTOR) != null) {
      store.grants(actor).forEach(g -> grants.add(grant(g)));
    }
    out.put("authenticated", ctx.attribute(Access.ACTOR) != null);
    Responses.json(ctx, 200, out);
  }

  private void createUser(Context ctx) {
    RequestFields f = body(ctx);
    String name = f.requiredString("name");
    String password = f.string("password");
    String roleText = f.string("role");
    Role role = roleText == null ? null : Role.parse(roleText);
    User user = role == null ? store.createUser(name, password) : store.createUserWithRole(name, password, role);
    Responses.json(ctx, 200, object().set("user", user(user)));
  }

  private void listUsers(Context ctx) {
    ObjectNode out = object();
    ArrayNode users = out.putArray("users");
    store.users().forEach(u -> users.add(user(u)));
    Responses.json(ctx, 200, out);
  }

  private void getUser(Context ctx) {
    User u = store.requireUser(ctx.pathParam("name"));
    ObjectNode out = object();
    out.set("user", user(u));
    ArrayNode grants = out.putArray("grants");
    store.grants(u.name()).forEach(g -> grants.add(grant(g)));
    Responses.json(ctx, 200, out);
  }

  private void disableUser(Context ctx) {
    RequestFields f = body(ctx);
    String name = ctx.pathParam("name");
    boolean disabled = !"false".equalsIgnoreCase(String.valueOf(f.raw("disabled")));
    store.setDisabled(name, disabled);
    Responses.json(ctx, 200, object().set("user", user(store.requireUser(name))));
  }

  private void setPassword(Context ctx) {
    String name = ctx.pathParam("name");
    store.setPassword(name, body(ctx).string("password"));
    Responses.json(ctx, 200, object().set("user", user(store.requireUser(name))));
  }

  private void listGrants(Context ctx) {
    String name = store.requireUser(ctx.pathParam("name")).name();
    ObjectNode out = object();
    ArrayNode grants = out.putArray("grants");
    store.grants(name).forEach(g -> grants.add(grant(g)));
    Responses.json(ctx, 200, out);
  }

  private void grant(Context ctx) {
    RequestFields f = body(ctx);
    RoleGrant g = new RoleGrant(ctx.pathParam("name"), Role.parse(f.requiredString("role")),
        Scope.parse(f.string("scope")));
    store.grant(g);
    Responses.json(ctx, 200, object().set("grant", grant(g)));
  }

  private void revoke(Context ctx) {
    String name = store.requireUser(ctx.pathParam("name")).name();
    Scope scope = Scope.parse(ctx.queryParam("scope"));
    boolean removed = store.revoke(name, scope);
    Responses.json(ctx, 200, object().put("revoked", removed).put("scope", scope.toString()));
  }

  private void createToken(Context ctx) {
    RequestFields f = body(ctx);
    String user = f.string("user");
    if (user == null && ctx.attribute(Access.ACTOR) == null) {
      throw CairnException.invalid("Missing value for required parameter 'user': authentication is off, so there"
          + " is no signed-in user to make the token for");
    }
    if (user == null) {
      user = Access.actor(ctx);
    }
    Access.requireSelfOrAdmin(ctx, user);
    Long expires = f.longValue("expires_time");
    Long days = f.longValue("expires_in_days");
    if (days != null) {
      if (days < 1 || days > MAX_EXPIRY_DAYS) {
        throw CairnException.invalid("expires_in_days " + days + " is out of range; use 1 to " + MAX_EXPIRY_DAYS);
      }
      expires = System.currentTimeMillis() + days * 86_400_000L;
    }
    IdentityStore.NewToken t = store.createToken(user, f.string("name"), expires);
    ObjectNode out = object();
    out.set("token", token(t.token()));
    out.put("secret", t.secret()); // shown this once; the store keeps only its hash
    Responses.json(ctx, 200, out);
  }

  private void listTokens(Context ctx) {
    String user = ctx.queryParam("user");
    boolean all = "true".equalsIgnoreCase(ctx.queryParam("all"));
    if (all) {
      if (!Access.isAdmin(ctx)) {
        Access.requireSelfOrAdmin(ctx, "every user");
      }
      user = null;
    } else {
      user = user == null ? Access.actor(ctx) : user;
      Access.requireSelfOrAdmin(ctx, user);
    }
    ObjectNode out = object();
    ArrayNode tokens = out.putArray("tokens");
    store.tokens(user).forEach(t -> tokens.add(token(t)));
    Responses.json(ctx, 200, out);
  }

  private void revokeToken(Context ctx) {
    String id = ctx.pathParam("id");
    ApiToken existing = store.token(id).orElseThrow(() -> CairnException.notFound("token '" + id + "' does not exist"));
    Access.requireSelfOrAdmin(ctx, existing.user());
    Responses.json(ctx, 200, object().set("token", token(store.revokeToken(id))));
  }

  private static RequestFields body(Context ctx) {
    try {
      return RequestFields.ofJsonBody(ctx.req().getInputStream());
    } catch (java.io.IOException e) {
      throw CairnException.invalid("request body could not be read: " + e.getMessage());
    }
  }

  private static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ObjectNode user(User u) {
    return object().put("name", u.name()).put("creation_time", u.createdTime()).put("disabled", u.disabled())
        .put("has_password", u.hasPassword());
  }

  static ObjectNode grant(RoleGrant g) {
    return object().put("user", g.user()).put("role", g.role().wire()).put("scope", g.scope().toString());
  }

  static ObjectNode token(ApiToken t) {
    ObjectNode n = object().put("id", t.id()).put("user", t.user()).put("name", t.name())
        .put("creation_time", t.createdTime()).put("revoked", t.revoked());
    if (t.expiresTime() != null) {
      n.put("expires_time", t.expiresTime());
    }
    if (t.lastUsedTime() != null) {
      n.put("last_used_time", t.lastUsedTime());
    }
    return n;
  }
}
