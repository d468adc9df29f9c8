package dev.cairn.server.auth;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.identity.ApiToken;
import dev.cairn.server.ui.UiRoutes;
import dev.cairn.store.identity.IdentityStore;
import dev.cairn.store.audit.AuditScope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The web UI's sign-in when authentication is on: a form at {@value #LOGIN} (user and password, or user and
 * token, or a token alone) that starts a {@link Sessions session} stored in the database and named by an HttpOnly cookie, and a
 * sign-out at {@value #LOGOUT} (POST). A session's user is the request's principal with the same grants as on
 * the API. Every request a session cookie signs in that is not a read (GET, HEAD, OPTIONS) must carry the
 * session's synchronizer token, as the form field {@value #CSRF_FIELD} or the header {@value #CSRF_HEADER}:
 * SameSite alone does not stop a request from a sibling subdomain or an old browser. The sign-in form itself
 * carries a token too (double-submit against a cookie scoped to the form), so no other site can sign a browser
 * in as someone else.
 */
public final class SignIn {
  public static final String LOGIN = "/ui/login";
  public static final String LOGOUT = "/ui/logout";
  public static final String CSRF_FIELD = "csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  /** The request attribute holding the session's CSRF token, for the forms a page renders (absent without one). */
  public static final String CSRF_ATTRIBUTE = "cairn.csrf";
  static final String COOKIE = "cairn_session";
  static final String LOGIN_COOKIE = "cairn_login_csrf";
  static final String HOME = "/ui/experiments";

  /** What the sign-in form shows: the user typed so far, where to go after, its CSRF token and an error. */
  public record LoginPage(String user, String next, String csrf, String error) {}

  private final Authenticator authenticator;
  private final Sessions sessions;

  SignIn(Authenticator authenticator, Sessions sessions) {
    this.authenticator = authenticator;
    this.sessions = sessions;
  }

  void register(RoutesConfig routes) {
    routes.get(LOGIN, ctx -> form(ctx, 200, "", safeNext(ctx.queryParam("next")), null));
    routes.post(LOGIN, this::signIn);
    routes.post(LOGOUT, this::signOut);
  }

  /**
   * Where to go after signing in: only a path of this UI ({@code /ui/...}), so the parameter cannot send a user
   * to another site (no scheme, no {@code //host}, no backslash that browsers read as a slash, no control
   * characters); anything else goes to the experiments page.
   */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/ui/") || next.startsWith(LOGIN) || next.length() > 2_000) {
      return HOME;
    }
    for (int i = 0; i < next.length(); i++) {
      char c = next.charAt(i);
      if (c == '\\' || c < 0x21 || c == 0x7f) {
        return HOME;
      }
    }
    return next;
  }

  /**
   * The principal of the request's session cookie, or null when there is none (or it expired, or its user was
   * disabled or deleted). Throws PERMISSION_DENIED for a request that is not a read and lacks the session's
   * CSRF token.
   */
  Principal fromSession(Context ctx) {
    String id = ctx.cookie(COOKIE);
    Sessions.Session s = id == null ? null : sessions.find(id).orElse(null);
    if (s == null) {
      return null;
    }
    Principal p = authenticator.sessionPrincipal(s.user()).orElse(null);
    if (p == null) {
      sessions.end(id);
      return null;
    }
    String method = ctx.method().name();
    if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
      String given = ctx.header(CSRF_HEADER);
      if (given == null && isForm(ctx)) {
        given = ctx.formParam(CSRF_FIELD);
      }
      if (!s.csrfMatches(given)) {
        throw new CairnException(ErrorCode.PERMISSION_DENIED, "a " + method + " signed in by the session cookie"
            + " needs the session's CSRF token in the form field " + CSRF_FIELD + " or the header " + CSRF_HEADER
            + "; it is " + (given == null ? "missing" : "wrong") + " (reload the page and try again)");
      }
    }
    ctx.attribute(CSRF_ATTRIBUTE, s.csrf());
    return p;
  }

  /**
   * Sends a browser without credentials that asks for a UI page to the sign-in form instead of a 401 (and
   * answers true). Only page loads are sent: API clients, and anything not asking for HTML, keep the 401.
   */
  boolean sentToLogin(Context ctx) {
    String accept = ctx.header("Accept");
    boolean htmx = ctx.header("HX-Request") != null;
    if (!ctx.method().name().equals("GET") || !ctx.path().startsWith("/ui/") || ctx.header("Authorization") != null
        || !htmx && (accept == null || !accept.contains("text/html"))) {
      return false;
    }
    String query = ctx.queryString();
    String next = ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query);
    String login = LOGIN + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    if (htmx) {
      // htmx would follow a redirect inside the page and swap in a piece of the form: it loads this page instead
      ctx.header("HX-Redirect", login);
      ctx.status(HttpStatus.NO_CONTENT);
    } else {
      ctx.redirect(login, HttpStatus.SEE_OTHER);
    }
    ctx.skipRemainingHandlers();
    return true;
  }

  private void form(Context ctx, int status, String user, String next, String error) {
    String token = Sessions.randomSecret();
    setCookie(ctx, LOGIN_COOKIE, token, LOGIN, false);
    ctx.status(status);
    UiRoutes.render(ctx, "login.jte", new LoginPage(user, next, token, error));
  }

  private void signIn(Context ctx) {
    if (!isForm(ctx)) {
      throw CairnException.invalid("sign in with the form at " + LOGIN + ": the body must be"
          + " application/x-www-form-urlencoded with user, password and " + CSRF_FIELD + ", not " + ctx.contentType());
    }
    if (!Sessions.same(ctx.cookie(LOGIN_COOKIE), ctx.formParam(CSRF_FIELD))) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "the sign-in form's " + CSRF_FIELD + " token is"
          + " missing or does not match its cookie; open " + LOGIN + " again and sign in from there");
    }
    String user = field(ctx, "user").strip();
    String secret = field(ctx, "password");
    String next = safeNext(ctx.formParam("next"));
    Principal p;
    try {
      // the peer's address as for the API: failures count against the same limit per user and address
      p = AuditScope.unaudited(() -> authenticator.signIn(user, secret, ctx.req().getRemoteAddr()));
    } catch (CairnException e) {
      if (e.code() != ErrorCode.UNAUTHENTICATED && e.code() != ErrorCode.TOO_MANY_REQUESTS) {
        throw e;
      }
      form(ctx, e.code().httpStatus(), user, next, e.getMessage());
      return;
    }
    sessions.end(ctx.cookie(COOKIE)); // a session the browser had before is not kept alive beside the new one
    // a session signed in with a token ends when the token is revoked, and no later than it expires
    String tokenId = IdentityStore.tokenIdOf(secret).orElse(null);
    Long tokenExpires = tokenId == null ? null
        : authenticator.store().token(tokenId).map(ApiToken::expiresTime).orElse(null);
    String id = sessions.create(p.user(), tokenId, tokenExpires);
    // no Max-Age: the cookie ends with the browser, and the server ends the session sooner when idle
    setCookie(ctx, COOKIE, id, "/", false);
    setCookie(ctx, LOGIN_COOKIE, "", LOGIN, true);
    ctx.redirect(next, HttpStatus.SEE_OTHER);
  }

  private void signOut(Context ctx) {
    sessions.end(ctx.cookie(COOKIE));
    setCookie(ctx, COOKIE, "", "/", true);
    ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
  }

  /**
   * HttpOnly (no script reads it), SameSite=Lax (sent when a link from elsewhere opens a page, so a shared link
   * works while signed in, but never with another site's POST or fetch), and Secure when the request came over
   * HTTPS, directly or through a proxy that says so: marking a cookie Secure cannot weaken it, so the header is
   * trusted for this.
   */
  private static void setCookie(Context ctx, String name, String value, String path, boolean remove) {
    boolean https = ctx.req().isSecure() || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Lax"
        + (https ? "; Secure" : "") + (remove ? "; Max-Age=0" : ""));
  }

  private static boolean isForm(Context ctx) {
    String type = ctx.contentType();
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  private static String field(Context ctx, String name) {
    String v = ctx.formParam(name);
    return v == null ? "" : v;
  }
}
