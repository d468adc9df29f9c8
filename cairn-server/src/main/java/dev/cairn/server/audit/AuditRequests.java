package dev.cairn.server.audit;

import dev.cairn.store.audit.AuditScope;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Puts every mutating request (POST, PUT, PATCH, DELETE) in an {@link AuditScope}, so each write it makes appends
 * an audit event naming the actor (the auth layer's {@code cairn.actor} request attribute, {@code local} without
 * one), the request id, the client's address and the route. Every request gets a request id, echoed in the
 * {@code X-Request-Id} answer header: the client's own when it sent a sane one, else a new one.
 */
public final class AuditRequests {
  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  /** The request attribute the auth layer sets to the signed-in user's name. */
  public static final String ACTOR_ATTRIBUTE = "cairn.actor";
  /** The actor of requests when authentication is off. */
  public static final String LOCAL_ACTOR = "local";
  private static final Set<HandlerType> MUTATING =
      Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
  /** What a client-chosen request id may look like: log- and header-safe, at most 128 characters. */
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:+=/-]{1,128}");

  private AuditRequests() {}

  public static void register(JavalinDefaultRoutingApi routes) {
    routes.before(AuditRequests::enter);
    routes.after(ctx -> AuditScope.clear());
  }

  private static void enter(Context ctx) {
    AuditScope.clear(); // a thread's scope never outlives its request, even if an after-handler was skipped
    String id = requestId(ctx.header(REQUEST_ID_HEADER));
    ctx.header(REQUEST_ID_HEADER, id);
    if (MUTATING.contains(ctx.method())) {
      // resolved at the first write, when authentication has named the actor and the route has matched
      AuditScope.enter(new Supplier<>() {
        private AuditScope scope;

        @Override
        public AuditScope get() {
          if (scope == null) {
            scope = new AuditScope(actor(ctx), id, ctx.req().getRemoteAddr(), action(ctx));
          }
          return scope;
        }
      });
    }
  }

  /** The client's request id when it is sane, else a new random one (32 hex digits). */
  static String requestId(String sent) {
    if (sent != null && SANE_ID.matcher(sent).matches()) {
      return sent;
    }
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static String actor(Context ctx) {
    Object actor = ctx.attribute(ACTOR_ATTRIBUTE);
    return actor == null || actor.toString().isEmpty() ? LOCAL_ACTOR : actor.toString();
  }

  /** The method and the route's path template ({@code POST /api/2.0/mlflow/runs/log-batch}). */
  private static String action(Context ctx) {
    Endpoint e;
    try {
      e = ctx.endpoints().matchedHttpEndpoint();
    } catch (RuntimeException notMatched) {
      e = null;
    }
    return ctx.method().name() + " " + (e == null ? ctx.path() : e.path);
  }
}
