package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI's sign-in over real HTTP with authentication on: the session cookie's flags, CSRF refusals, sign-out,
 * the redirect to the form and its refusal to send anyone off the site, the rate limit, the API's use of the cookie.
 */
class UiSignInTest {
  @TempDir static Path dir;
  static AuthServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient(); // follows no redirects: each answer is checked
  static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    for (String[] u : new String[][] {{"ada", "viewer"}, {"bob", "editor"}, {"cy", "viewer"}, {"dee", "viewer"}}) {
      AuthServer.Reply r = server.post("/api/cairn/v1/users", "{\"name\":\"" + u[0] + "\",\"password\":\"pw-of-"
          + u[0] + "-long\",\"role\":\"" + u[1] + "\"}", AuthServer.bearer(server.adminToken));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Answer(int status, String body, HttpResponse<String> response) {
    String location() {
      return response.headers().firstValue("Location").orElse(null);
    }

    List<String> setCookies() {
      return response.headers().allValues("Set-Cookie");
    }

    String setCookie(String name) {
      return setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
    }

    String csrf() {
      Matcher m = HIDDEN_CSRF.matcher(body);
      return m.find() ? m.group(1) : null;
    }
  }

  static Answer send(String method, String path, Map<String, String> headers, String body) {
    return send(server.server.url(), method, path, headers, body);
  }

  static Answer send(String url, String method, String path, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  static String cookieValue(String setCookie) {
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** Opens the form, then posts it; extra headers go on both requests. */
  static Answer signIn(String user, String password, String next, Map<String, String> extra) {
    Answer page = send("GET", SignIn.LOGIN, extra, null);
    assertThat(page.status()).isEqualTo(200);
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    headers.put("Cookie", cookieValue(page.setCookie(SignIn.LOGIN_COOKIE)));
    return send("POST", SignIn.LOGIN, headers,
        form(Map.of("user", user, "password", password, "csrf", page.csrf(), "next", next)));
  }

  /** A signed-in session: its Cookie header value. */
  static String session(String user) {
    Answer a = signIn(user, "pw-of-" + user + "-long", "/ui/experiments", Map.of());
    assertThat(a.status()).as(a.body()).isEqualTo(303);
    return cookieValue(a.setCookie(SignIn.COOKIE));
  }

  static Answer page(String path, String cookie) {
    return send("GET", path, Map.of("Cookie", cookie, "Accept", "text/html"), null);
  }

  @Test
  void signingInSetsAnHttpOnlySameSiteSessionCookieAndGoesToNext() {
    Answer a = signIn("ada", "pw-of-ada-long", "/ui/runs?experiment_id=0", Map.of());
    assertThat(a.status()).isEqualTo(303);
    assertThat(a.location()).isEqualTo("/ui/runs?experiment_id=0");
    String cookie = a.setCookie(SignIn.COOKIE);
    assertThat(cookie).contains("; Path=/;", "; HttpOnly", "; SameSite=Lax").doesNotContain("Secure", "Max-Age");
    assertThat(cookieValue(cookie)).matches("cairn_session=[A-Za-z0-9_-]{43}");
    // over HTTPS (here: a proxy saying so) the cookie is Secure
    Answer https = signIn("ada", "pw-of-ada-long", "/ui/experiments", Map.of("X-Forwarded-Proto", "https"));
    assertThat(https.setCookie(SignIn.COOKIE)).contains("; Secure", "; HttpOnly", "; SameSite=Lax");
  }

  @Test
  void aSessionShowsPagesWithTheUserAndASignOutForm() {
    String cookie = session("ada");
    Answer a = page("/ui/experiments", cookie);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).contains("<span id=\"signed-in-user\">ada</span>", "action=\"/ui/logout\"");
    assertThat(a.csrf()).isNotBlank();
    // the same roles as the API: ada is a viewer, so the admin's audit log is refused to her session
    Answer audit = send("GET", "/api/cairn/v1/audit", Map.of("Cookie", cookie), null);
    assertThat(audit.status()).isEqualTo(403);
    assertThat(audit.body()).contains("user 'ada' needs role admin");
  }

  @Test
  void aBrowserWithoutASessionIsSentToTheFormWhileApiClientsGet401Json() {
    Answer a = send("GET", "/ui/runs?experiment_id=1&filter=a%20b", Map.of("Accept", "text/html,*/*"), null);
    assertThat(a.status()).isEqualTo(303);
    assertThat(a.location()).isEqualTo("/ui/login?next=" + URLEncoder.encode("/ui/runs?experiment_id=1&filter=a%20b",
        StandardCharsets.UTF_8));
    Answer form = send("GET", a.location(), Map.of(), null);
    assertThat(form.body()).contains("name=\"next\" value=\"/ui/runs?experiment_id=1&amp;filter=a%20b\"");
    Answer api = send("GET", "/api/2.0/mlflow/experiments/search", Map.of("Accept", "text/html"), null);
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.body()).contains("\"error_code\":\"UNAUTHENTICATED\"");
    Answer notHtml = send("GET", "/ui/experiments", Map.of(), null);
    assertThat(notHtml.status()).isEqualTo(401);
    // htmx (a boosted form on the runs page) is told to load the form as a whole page
    Answer htmx = send("GET", "/ui/runs?experiment_id=1", Map.of("HX-Request", "true", "Accept", "*/*"), null);
    assertThat(htmx.status()).isEqualTo(204);
    assertThat(htmx.response().headers().firstValue("HX-Redirect")).contains("/ui/login?next="
        + URLEncoder.encode("/ui/runs?experiment_id=1", StandardCharsets.UTF_8));
    // a cookie that names no session counts as none
    assertThat(page("/ui/experiments", "cairn_session=forged").location()).startsWith("/ui/login?next=");
  }

  @Test
  void nextNeverLeavesTheUi() {
    for (String evil : List.of("https://evil.example/", "//evil.example/ui/", "/\\evil.example", "/ui/\\\\evil",
        "javascript:alert(1)", "/api/2.0/mlflow/experiments/search", "/ui/x\r\nSet-Cookie: a=b", "")) {
      Answer a = signIn("ada", "pw-of-ada-long", evil, Map.of());
      assertThat(a.status()).as(evil).isEqualTo(303);
      assertThat(a.location()).as(evil).isEqualTo("/ui/experiments");
      Answer form = send("GET", "/ui/login?next=" + URLEncoder.encode(evil, StandardCharsets.UTF_8), Map.of(), null);
      assertThat(form.body()).as(evil).contains("name=\"next\" value=\"/ui/experiments\"");
    }
  }

  @Test
  void signingOutWithoutTheCsrfTokenIsRefusedAndWithItEndsTheSession() {
    String cookie = session("bob");
    String csrf = page("/ui/experiments", cookie).csrf();
    Map<String, String> formHeaders = Map.of("Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
    Answer none = send("POST", SignIn.LOGOUT, formHeaders, "");
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.body()).contains("<h1>Error 403</h1>", "CSRF token", "missing"); // a UI form: the HTML error page
    Answer wrong = send("POST", SignIn.LOGOUT, formHeaders, form(Map.of("csrf", csrf + "x")));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(page("/ui/experiments", cookie).status()).as("refused sign-outs leave the session").isEqualTo(200);
    Answer out = send("POST", SignIn.LOGOUT, formHeaders, form(Map.of("csrf", csrf)));
    assertThat(out.status()).isEqualTo(303);
    assertThat(out.location()).isEqualTo(SignIn.LOGIN);
    assertThat(out.setCookie(SignIn.COOKIE)).contains("Max-Age=0");
    Answer after = page("/ui/experiments", cookie);
    assertThat(after.status()).isEqualTo(303);
    assertThat(after.location()).startsWith("/ui/login?next=");
    assertThat(send("GET", "/api/2.0/mlflow/experiments/search", Map.of("Cookie", cookie), null).status())
        .isEqualTo(401);
  }

  @Test
  void theSignInFormRefusesAPostWithoutItsToken() {
    Map<String, String> h = Map.of("Content-Type", "application/x-www-form-urlencoded");
    Answer none = send("POST", SignIn.LOGIN, h, form(Map.of("user", "ada", "password", "pw-of-ada-long")));
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.setCookie(SignIn.COOKIE)).isNull();
    // a token in the field but not the form's cookie (another site's form): refused too
    String token = send("GET", SignIn.LOGIN, Map.of(), null).csrf();
    Answer crossSite = send("POST", SignIn.LOGIN, h, form(Map.of("user", "ada", "password", "pw-of-ada-long",
        "csrf", token)));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(crossSite.setCookie(SignIn.COOKIE)).isNull();
  }

  @Test
  void theApiAcceptsTheCookieButWritesNeedTheCsrfHeader() {
    String cookie = session("bob");
    String csrf = page("/ui/experiments", cookie).csrf();
    assertThat(send("GET", "/api/2.0/mlflow/experiments/search?max_results=5", Map.of("Cookie", cookie), null)
        .status()).isEqualTo(200);
    Map<String, String> json = Map.of("Cookie", cookie, "Content-Type", "application/json");
    Answer refused = send("POST", "/api/2.0/mlflow/experiments/create", json, "{\"name\":\"by-cookie\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("CSRF token");
    Map<String, String> withToken = new LinkedHashMap<>(json);
    withToken.put(SignIn.CSRF_HEADER, csrf);
    Answer created = send("POST", "/api/2.0/mlflow/experiments/create", withToken, "{\"name\":\"by-cookie\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
  }

  @Test
  void failedSignInsShowTheFormAgainAndCountAgainstTheRateLimit() {
    // a server of its own: the limit also counts per address, and every test here comes from 127.0.0.1
    AuthServer main = server;
    try (AuthServer other = AuthServer.start(dir.resolve("limit"))) {
      server = other;
      assertThat(other.post("/api/cairn/v1/users", "{\"name\":\"cy\",\"password\":\"pw-of-cy-long\"}",
          AuthServer.bearer(other.adminToken)).status()).isEqualTo(200);
      Answer wrong = signIn("cy", "not-the-password", "/ui/experiments", Map.of());
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.body()).contains("id=\"login-error\"", "invalid credentials", "value=\"cy\"");
      assertThat(wrong.setCookie(SignIn.COOKIE)).isNull();
      for (int i = 1; i < FailedLogins.MAX_FAILURES; i++) {
        assertThat(signIn("cy", "not-the-password", "/ui/experiments", Map.of()).status()).isEqualTo(401);
      }
      Answer blocked = signIn("cy", "pw-of-cy-long", "/ui/experiments", Map.of());
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(blocked.body()).contains("too many failed sign-ins for this");
      assertThat(blocked.setCookie(SignIn.COOKIE)).isNull();
      // the API shares the limit: the right token is refused from this address too
      assertThat(other.get("/api/cairn/v1/whoami", AuthServer.bearer(other.adminToken)).status()).isEqualTo(429);
    } finally {
      server = main;
    }
  }

  @Test
  void aTokenSignsInToo() {
    String token = server.userWithToken("eve", "viewer");
    Answer alone = signIn("", token, "/ui/experiments", Map.of());
    assertThat(alone.status()).as(alone.body()).isEqualTo(303);
    Answer withUser = signIn("eve", token, "/ui/experiments", Map.of());
    assertThat(page("/ui/experiments", cookieValue(withUser.setCookie(SignIn.COOKIE))).body())
        .contains("<span id=\"signed-in-user\">eve</span>");
  }

  @Test
  void disablingAUserEndsTheirSession() {
    String cookie = session("dee");
    assertThat(page("/ui/experiments", cookie).status()).isEqualTo(200);
    AuthServer.Reply r = server.post("/api/cairn/v1/users/dee/disable", "{}",
        AuthServer.bearer(server.adminToken));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(page("/ui/experiments", cookie).status()).isEqualTo(303);
  }

  @Test
  void withAuthenticationOffNothingChanges() {
    try (dev.cairn.server.CairnServer open = dev.cairn.server.CairnServer.start(new dev.cairn.server.CairnServer
        .ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("open/cairn.db"), "file:" + dir.resolve("open/a")))) {
      AuthServer.Client c = new AuthServer.Client(open.url());
      assertThat(c.get(SignIn.LOGIN, null).status()).isEqualTo(404);
      AuthServer.Reply page = c.get("/ui/experiments", null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.text()).contains("id=\"experiments\"").doesNotContain("signed-in-user", "/ui/logout");
      assertThat(c.send("POST", "/api/2.0/mlflow/experiments/create", "{\"name\":\"open\"}", null).status())
          .isEqualTo(200);
    }
  }
}
