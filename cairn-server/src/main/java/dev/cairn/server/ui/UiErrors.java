package dev.cairn.server.ui;

import io.javalin.http.Context;
import java.util.Locale;

/**
 * The one place that decides how a refusal is answered by path: a request for a UI page ({@code /ui} and below)
 * gets the HTML error page with the status and message the API would give (a browser has no use for error
 * JSON), every other request MLflow's {@code {"error_code","message"}} JSON. It serves the refusals that happen
 * before a page's handler runs (no credentials, a missing CSRF token, a missing grant, an unknown page, a body
 * over the limits) as well as those of the handlers themselves. Requests Jetty refuses while parsing them (a
 * malformed request line, an encoded NUL in the path, headers over the limit) keep the JSON of
 * {@link dev.cairn.server.http.JsonErrorHandler}: Jetty hands that handler no path to choose by.
 */
public final class UiErrors {
  private UiErrors() {}

  /** Whether a request for {@code path} is a UI page's, and so is refused in HTML. */
  public static boolean isUi(String path) {
    return path != null && (path.equals("/ui") || path.startsWith("/ui/"));
  }

  /**
   * Answers a refusal of a UI request with the error page and returns true; returns false (and does nothing)
   * for any other request, which the caller answers with JSON.
   */
  public static boolean refuse(Context ctx, int status, String message) {
    if (!isUi(ctx.path())) {
      return false;
    }
    String accept = ctx.header("Accept");
    if (status == 401 && accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html")) {
      // a browser shown WWW-Authenticate opens its own password dialog over the page that says how to sign in
      ctx.res().setHeader("WWW-Authenticate", null);
    }
    if (status == 503) {
      ctx.header("Retry-After", "1");
    }
    ctx.status(status);
    UiRoutes.render(ctx, "error.jte", new UiViews.ErrorPage(status, withNextStep(status, message)));
    return true;
  }

  /** The message, with what to do about it where the message does not say already. */
  static String withNextStep(int status, String message) {
    String m = message == null || message.isBlank() ? "request refused" : message;
    return switch (status) {
      case 401 -> m + ". Sign in at /ui/login (or send an Authorization header).";
      // Access names the role and scope missing ("user 'U' needs role R on S ..."): who can give it
      case 403 -> m.contains(" needs role ") ? m + ". Ask an admin to grant you that role, or sign in as a user who"
          + " has it." : m;
      case 404 -> m + ". Check the address, or start again from the experiments page.";
      case 413 -> m + ". Send less at once.";
      default -> m;
    };
  }
}
