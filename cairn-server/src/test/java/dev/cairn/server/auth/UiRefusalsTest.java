package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals that happen before a page's handler runs (a missing CSRF token, a missing grant, no credentials, an
 * unknown page, a body over the limit) answer a UI request with the HTML error page, same status, saying what is
 * missing and what to do; the API under the same conditions keeps MLflow's error JSON.
 */
class UiRefusalsTest {
  @TempDir static Path dir;
  static AuthServer server;
  static String viewer;
  static String approver;

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    for (String[] u : new String[][] {{"vic", "viewer"}, {"ann", "approver"}}) {
      AuthServer.Reply r = server.post("/api/cairn/v1/users", "{\"name\":\"" + u[0] + "\",\"password\":\"pw-of-"
          + u[0] + "-long\",\"role\":\"" + u[1] + "\"}", AuthServer.bearer(server.adminToken));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    viewer = BrowserSession.signIn(server.server.url(), "vic", "pw-of-vic-long").cookie();
    approver = BrowserSession.signIn(server.server.url(), "ann", "pw-of-ann-long").cookie();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static UiSignInTest.Answer send(String method, String path, Map<String, String> headers, String body) {
    return UiSignInTest.send(server.server.url(), method, path, headers, body);
  }

  static Map<String, String> browser(String cookie, String contentType) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    if (contentType != null) {
      h.put("Content-Type", contentType);
    }
    return h;
  }

  static void assertHtmlError(UiSignInTest.Answer a, int status, String... says) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.response().headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    assertThat(a.body()).startsWith("<!DOCTYPE html>").contains("<h1>Error " + status + "</h1>", "id=\"page-error\"")
        .contains(says).doesNotContain("\"error_code\"");
  }

  static void assertJsonError(UiSignInTest.Answer a, int status, String errorCode) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.response().headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
    assertThat(a.body()).contains("\"error_code\":\"" + errorCode + "\"");
  }

  @Test
  void aFormPostedWithoutTheCsrfTokenIsRefusedWithAnHtmlPage() {
    String form = "application/x-www-form-urlencoded";
    UiSignInTest.Answer none = send("POST", "/ui/promotions/approve?request_id=1", browser(approver, form),
        "comment=ok");
    assertHtmlError(none, 403, "CSRF token", "missing", "reload the page and try again");
    UiSignInTest.Answer wrong = send("POST", SignIn.LOGOUT, browser(approver, form), "csrf=forged");
    assertHtmlError(wrong, 403, "CSRF token", "wrong");
    // the API under the same conditions: JSON
    UiSignInTest.Answer api = send("POST", "/api/2.0/mlflow/experiments/create", Map.of("Cookie", approver,
        "Content-Type", "application/json", "Accept", "text/html"), "{\"name\":\"x\"}");
    assertJsonError(api, 403, "PERMISSION_DENIED");
    assertThat(api.body()).contains("CSRF token");
  }

  @Test
  void aViewerOpeningTheAdminsAuditPageIsToldWhichRoleToAskFor() {
    UiSignInTest.Answer page = send("GET", "/ui/audit", browser(viewer, null), null);
    assertHtmlError(page, 403, "user 'vic' needs role admin on global", "they have viewer there",
        "Ask an admin to grant you that role");
    // the page still shows who is signed in, with the sign-out form
    assertThat(page.body()).contains("<span id=\"signed-in-user\">vic</span>");
    assertJsonError(send("GET", "/api/cairn/v1/audit", browser(viewer, null), null), 403, "PERMISSION_DENIED");
  }

  @Test
  void anUnknownPageIsAnHtml404AndAnUnknownApiRouteJson() {
    assertHtmlError(send("GET", "/ui/no-such-page", browser(viewer, null), null), 404, "no endpoint GET /ui/no-such-page",
        "experiments page");
    assertJsonError(send("GET", "/api/2.0/mlflow/no-such-route", browser(viewer, null), null), 404,
        "ENDPOINT_NOT_FOUND");
  }

  @Test
  void aBrowserPostingWithoutASessionIsToldToSignInWithoutAPasswordDialog() {
    UiSignInTest.Answer a = send("POST", "/ui/promotions/approve?request_id=1",
        browser(null, "application/x-www-form-urlencoded"), "comment=ok");
    assertHtmlError(a, 401, "authentication required", "Sign in at /ui/login");
    assertThat(a.response().headers().firstValue("WWW-Authenticate")).as("no Basic dialog over the page").isEmpty();
    UiSignInTest.Answer api = send("POST", "/api/2.0/mlflow/experiments/create",
        Map.of("Content-Type", "application/json", "Accept", "text/html"), "{\"name\":\"x\"}");
    assertJsonError(api, 401, "UNAUTHENTICATED");
    assertThat(api.response().headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Basic");
  }

  @Test
  void aRequestOverTheSizeLimitIsAnHtml413OnTheUi() throws Exception {
    String big = "comment=" + "x".repeat(2_000_000);
    String form = "application/x-www-form-urlencoded";
    HttpResponse<String> ui = postOnNewConnection("/ui/promotions/approve?request_id=1", browser(approver, form), big);
    assertThat(ui.statusCode()).isEqualTo(413);
    assertThat(ui.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    assertThat(ui.body()).contains("<h1>Error 413</h1>", "Send less at once");
    HttpResponse<String> api = postOnNewConnection("/api/2.0/mlflow/experiments/create",
        Map.of("Cookie", approver, "Content-Type", form), big);
    assertThat(api.statusCode()).isEqualTo(413);
    assertThat(api.body()).contains("\"error_code\"");
  }

  /** The server closes a connection whose body it refused unread: each such request gets a client of its own. */
  static HttpResponse<String> postOnNewConnection(String path, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.server.url() + path));
    headers.forEach(b::header);
    b.POST(HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
