package dev.cairn.server.ui;

import dev.cairn.server.auth.Access;
import dev.cairn.server.auth.SignIn;
import io.javalin.http.Context;

/**
 * Who the page being rendered is for, as the layout's header shows it: the signed-in user and, when a session
 * cookie signed them in, the CSRF token of the sign-out form. Held for the one thread rendering a page, so the
 * layout reads it without every template passing it along; absent when authentication is off.
 *
 * @param csrf the session's token, or null when the request sent credentials instead (nothing to sign out of)
 */
public record SignedIn(String user, String csrf) {
  private static final ThreadLocal<SignedIn> CURRENT = new ThreadLocal<>();

  /** The user the page is rendered for, or null when authentication is off or nobody is signed in. */
  public static SignedIn current() {
    return CURRENT.get();
  }

  static void render(Context ctx, Runnable rendering) {
    String user = ctx.attribute(Access.ACTOR);
    CURRENT.set(user == null ? null : new SignedIn(user, ctx.attribute(SignIn.CSRF_ATTRIBUTE)));
    try {
      rendering.run();
    } finally {
      CURRENT.remove();
    }
  }
}
