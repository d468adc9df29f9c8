package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;

/** A browser's requests without a browser: signs in through the form of the server at {@code url}, as a page would. */
record BrowserSession(String url, String cookie) {
  /** Opens the sign-in form at {@code url} and posts it; the session's Cookie header value. */
  static BrowserSession signIn(String url, String user, String password) {
    UiSignInTest.Answer form = UiSignInTest.send(url, "GET", SignIn.LOGIN, Map.of(), null);
    assertThat(form.status()).isEqualTo(200);
    UiSignInTest.Answer a = UiSignInTest.send(url, "POST", SignIn.LOGIN, Map.of(
        "Content-Type", "application/x-www-form-urlencoded",
        "Cookie", UiSignInTest.cookieValue(form.setCookie(SignIn.LOGIN_COOKIE))),
        "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&csrf=" + form.csrf());
    assertThat(a.status()).as(a.body()).isEqualTo(303);
    return new BrowserSession(url, UiSignInTest.cookieValue(a.setCookie(SignIn.COOKIE)));
  }

  /** The same cookie sent to another server. */
  BrowserSession at(String otherUrl) {
    return new BrowserSession(otherUrl, cookie);
  }

  /** A page load (Accept: text/html), not following redirects. */
  UiSignInTest.Answer page(String path) {
    return UiSignInTest.send(url, "GET", path, Map.of("Cookie", cookie, "Accept", "text/html"), null);
  }

  /** The CSRF token the experiments page's sign-out form carries. */
  String csrf() {
    UiSignInTest.Answer a = page("/ui/experiments");
    Matcher m = UiSignInTest.HIDDEN_CSRF.matcher(a.body());
    assertThat(m.find()).as(a.body()).isTrue();
    return m.group(1);
  }

  /** Whether the cookie still signs in: a page shows the user rather than sending the browser to the form. */
  boolean signedIn() {
    UiSignInTest.Answer a = page("/ui/experiments");
    return a.status() == 200 && a.body().contains("id=\"signed-in-user\"");
  }
}
