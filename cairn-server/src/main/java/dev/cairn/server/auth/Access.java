package dev.cairn.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.identity.Role;
import dev.cairn.identity.Scope;
import dev.cairn.server.http.RequestFields;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.audit.AuditScope;
import dev.cairn.store.identity.IdentityStore;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

/**
 * The authentication and authorisation step in front of every route when authentication is on: finds the
 * route's rule in {@link RouteRules}, checks the credentials, puts the user's name in the request attribute
 * {@value #ACTOR}, and refuses with 403 when the user's role over the route's scope is too low. A user with a
 * high enough global grant is let through without reading the body; otherwise the scope is read from the path,
 * the query or the start of a JSON body (which handlers then still read in full).
 */
public final class Access {
  /** The request attribute holding the signed-in user's name (absent when authentication is off). */
  public static final String ACTOR = "cairn.actor";
  /** The request attribute holding the {@link Principal}. */
  static final String PRINCIPAL = "cairn.principal";
  /** What code that needs an actor uses when authentication is off. */
  public static final String LOCAL_ACTOR = "local";
  /** Runs whose experiment is remembered; a run never moves to another experiment. */
  static final int MAX_RUNS_REMEMBERED = 100_000;

  private final Authenticator authenticator;
  private final SignIn signIn;
  private final MetadataStore tracking;
  private final Map<String, String> runExperiments = new ConcurrentHashMap<>();

  private final Function<String, Optional<String>> modelOfPromotion;

  Access(IdentityStore identity, MetadataStore tracking) {
    this(new Setup(identity, requestId -> Optional.empty()), tracking);
  }

  Access(Setup setup, MetadataStore tracking) {
    this.authenticator = new Authenticator(setup.identity());
    this.signIn = new SignIn(authenticator, new Sessions(setup.identity().sessions()));
    this.tracking = tracking;
    this.modelOfPromotion = setup.modelOfPromotion();
  }

  /**
   * What authorisation reads beside the request: the users and their grants, and the registered model a
   * promotion request belongs to (approving by request id is scoped by that model, as a run id is by its
   * experiment).
   */
  public record Setup(IdentityStore identity, Function<String, Optional<String>> modelOfPromotion) {}

  /** Puts authentication and authorisation in front of every route of the server being configured. */
  public static void install(JavalinConfig cfg, IdentityStore identity, MetadataStore tracking) {
    install(cfg, new Setup(identity, requestId -> Optional.empty()), tracking);
  }

  /** As {@link #install(JavalinConfig, IdentityStore, MetadataStore)}, with promotion requests scoped by model. */
  public static void install(JavalinConfig cfg, Setup setup, MetadataStore tracking) {
    Access access = new Access(setup, tracking);
    Filter peekable = (request, response, chain) ->
        chain.doFilter(new PeekableRequest((HttpServletRequest) request), response);
    cfg.jetty.modifyServletContextHandler(handler ->
        handler.addFilter(new FilterHolder(peekable), "/*", EnumSet.of(DispatcherType.REQUEST)));
    cfg.routes.beforeMatched(access::check);
    access.signIn.register(cfg.routes);
  }

  /** The signed-in user, or {@value #LOCAL_ACTOR} when authentication is off. */
  public static String actor(Context ctx) {
    String actor = ctx.attribute(ACTOR);
    return actor == null ? LOCAL_ACTOR : actor;
  }

  /**
   * Refuses (403) a request acting on {@code owner}'s account unless the caller is that user or holds a global
   * admin grant; with authentication off everything is allowed.
   */
  public static void requireSelfOrAdmin(Context ctx, String owner) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p != null && !p.user().equals(owner) && !p.isAdmin()) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "user '" + p.user() + "' may only manage their own"
          + " account; acting on user '" + owner + "' needs role admin on global");
    }
  }

  /** Whether the caller may act for every user: a global admin, or anyone when authentication is off. */
  public static boolean isAdmin(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    return p == null || p.isAdmin();
  }

  /** Whether the signed-in caller holds the role over a registered model (for pages hiding what the API refuses). */
  public static boolean holds(Context ctx, Role role, String modelName) {
    Principal p = ctx.attribute(PRINCIPAL);
    Role r = p == null ? null : p.roleOn(Scope.registeredModel(modelName));
    return r != null && r.includes(role);
  }

  /**
   * Whether the caller holds the role over an experiment (for pages hiding what the API refuses); with
   * authentication off everyone does.
   */
  public static boolean holdsOnExperiment(Context ctx, Role role, String experimentId) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      return ctx.attribute(ACTOR) == null;
    }
    Role r = p.roleOn(Scope.experiment(experimentId));
    return r != null && r.includes(role);
  }

  void check(Context ctx) throws IOException {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    String method = ctx.method().name();
    String path = endpoint == null ? ctx.path() : endpoint.path;
    RouteRules.Rule rule = endpoint == null ? RouteRules.findUnregistered(method, path) : RouteRules.find(method, path);
    if (rule != null && rule.isOpen()) {
      return;
    }
    // the peer's address, not ctx.ip(): that trusts X-Forwarded-For, which a client may vary to dodge the limit
    // signing in may write (a token's last use): not the request's change, and before the actor is known
    // a browser's session cookie counts when no Authorization header is sent (SignIn: CSRF on writes)
    Principal p = ctx.header("Authorization") == null ? signIn.fromSession(ctx) : null;
    if (p == null && signIn.sentToLogin(ctx)) {
      return;
    }
    if (p == null) {
      p = AuditScope.unaudited(
          () -> authenticator.authenticate(ctx.header("Authorization"), ctx.req().getRemoteAddr(), ctx::header));
    }
    ctx.attribute(ACTOR, p.user());
    ctx.attribute(PRINCIPAL, p);
    if (rule == null) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "no authorisation rule covers " + method + " " + path
          + "; the server refuses routes it has no rule for");
    }
    if (rule.scope() == RouteRules.ScopeFrom.SELF) {
      return;
    }
    Role needed = rule.role();
    if (p.global() != null && p.global().includes(needed)) {
      return; // the common case: no need to look for a scope
    }
    List<Scope> scopes = rule.scope() == RouteRules.ScopeFrom.GLOBAL ? List.of() : scopesOf(ctx, rule.scope());
    Role effective = scopes.isEmpty() ? p.global() : lowest(p, scopes);
    if (effective == null || !effective.includes(needed)) {
      String where = scopes.isEmpty() ? "global" : scopes.size() == 1 ? scopes.get(0) + " (or global)"
          : "each of " + scopes + " (or global)";
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "user '" + p.user() + "' needs role " + needed.wire()
          + " on " + where + " to " + method + " " + ctx.path() + "; they have "
          + (effective == null ? "no role" : effective.wire()) + " there");
    }
  }

  /** The role that holds over every scope: a request over several experiments needs the role on each. */
  private static Role lowest(Principal p, List<Scope> scopes) {
    Role low = null;
    for (int i = 0; i < scopes.size(); i++) {
      Role r = p.roleOn(scopes.get(i));
      if (r == null) {
        return null;
      }
      low = i == 0 || r.compareTo(low) < 0 ? r : low;
    }
    return low;
  }

  private List<Scope> scopesOf(Context ctx, RouteRules.ScopeFrom from) throws IOException {
    Fields fields = new Fields(ctx);
    List<Scope> scopes = new ArrayList<>();
    if (from == RouteRules.ScopeFrom.REGISTERED_MODEL) {
      String name = ctx.pathParamMap().get("name");
      if (name == null) {
        name = fields.first("name");
      }
      if (name == null || name.isEmpty()) {
        String request = fields.first("request_id");
        name = request == null ? null : modelOfPromotion.apply(request).orElse(null);
      }
      if (name != null && !name.isEmpty()) {
        scopes.add(Scope.registeredModel(name));
      }
      return scopes;
    }
    for (String id : fields.all("experiment_id", "experiment_ids")) {
      scopes.add(Scope.experiment(id));
    }
    for (String run : fields.all("run_id", "run_uuid", "run_ids")) {
      String experiment = experimentOf(run);
      if (experiment == null) {
        // an unknown run: no experiment grant can cover it (a global one is checked already)
        scopes.add(Scope.experiment("run " + run));
      } else {
        scopes.add(Scope.experiment(experiment));
      }
    }
    return scopes.stream().distinct().toList();
  }

  private String experimentOf(String runId) {
    String known = runExperiments.get(runId);
    if (known != null) {
      return known;
    }
    String experiment;
    try {
      experiment = tracking.getRun(runId).info().experimentId();
    } catch (CairnException e) {
      return null;
    }
    if (runExperiments.size() >= MAX_RUNS_REMEMBERED) {
      runExperiments.clear();
    }
    runExperiments.put(runId, experiment);
    return experiment;
  }

  /** The request's fields from the query string and, for a request with a body, the JSON body's top level. */
  private static final class Fields {
    private final Context ctx;
    private JsonNode body;
    private boolean bodyRead;

    Fields(Context ctx) {
      this.ctx = ctx;
    }

    String first(String name) {
      List<String> all = all(name);
      return all.isEmpty() ? null : all.get(0);
    }

    List<String> all(String... names) {
      List<String> out = new ArrayList<>();
      for (String name : names) {
        out.addAll(ctx.queryParams(name));
        JsonNode value = body().get(name);
        if (value != null && value.isArray()) {
          value.forEach(v -> addScalar(out, v));
        } else if (value != null) {
          addScalar(out, value);
        }
      }
      return out;
    }

    private static void addScalar(List<String> out, JsonNode v) {
      if (v.isTextual() || v.isIntegralNumber()) {
        out.add(v.asText());
      }
    }

    private JsonNode body() {
      if (!bodyRead) {
        bodyRead = true;
        body = Json.MAPPER.missingNode();
        String type = ctx.contentType();
        if (!ctx.method().name().equals("GET") && (type == null || type.contains("json"))
            && peekable(ctx.req()) instanceof PeekableRequest peekable) {
          try {
            byte[] bytes = peekable.peek(RequestFields.MAX_JSON_BYTES + 1);
            if (bytes.length > 0 && bytes.length <= RequestFields.MAX_JSON_BYTES) {
              JsonNode parsed = Json.MAPPER.readTree(bytes);
              body = parsed == null || !parsed.isObject() ? Json.MAPPER.missingNode() : parsed;
            }
          } catch (IOException e) {
            // not JSON: no scope from the body; the handler reports the bad body if the user may call it
          }
        }
      }
      return body;
    }

    /** Javalin wraps the request it is given: the peekable one is somewhere inside. */
    private static ServletRequest peekable(ServletRequest request) {
      ServletRequest r = request;
      while (!(r instanceof PeekableRequest) && r instanceof ServletRequestWrapper wrapper) {
        r = wrapper.getRequest();
      }
      return r;
    }
  }
}
