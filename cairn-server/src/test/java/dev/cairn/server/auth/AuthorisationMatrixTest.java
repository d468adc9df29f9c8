package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.identity.Role;
import dev.cairn.server.CairnServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route the server registers, called by every role (and without credentials), against the rule table:
 * a route with no rule fails here, and so does a rule the server does not enforce.
 */
class AuthorisationMatrixTest {
  @TempDir static Path dir;
  static AuthServer server;
  /** Callers by the global role they hold; "nobody" is signed in with no grant at all. */
  static final Map<String, String> CALLERS = new LinkedHashMap<>();
  static final List<String> ROLES = List.of("viewer", "editor", "approver", "admin");

  @BeforeAll
  static void start() {
    server = AuthServer.start(dir);
    CALLERS.put("nobody", AuthServer.bearer(server.userWithToken("nobody", null)));
    for (String role : ROLES) {
      CALLERS.put(role, AuthServer.bearer(server.userWithToken("a-" + role, role)));
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyRegisteredRouteHasARule() {
    List<String> routes = server.server.routes();
    assertThat(routes).hasSizeGreaterThan(60).contains("POST /api/2.0/mlflow/runs/log-batch",
        "GET /health", "POST /api/cairn/v1/users", "DELETE /api/cairn/v1/tokens/{id}");
    List<String> unruled = routes.stream().filter(r -> rule(r) == null).toList();
    assertThat(unruled).as("routes without an authorisation rule in RouteRules").isEmpty();
  }

  @Test
  void everyRouteAnswersEveryRoleAsItsRuleSays() {
    List<String> wrong = new ArrayList<>();
    for (String route : server.server.routes()) {
      RouteRules.Rule rule = rule(route);
      String method = route.substring(0, route.indexOf(' '));
      String path = concrete(route.substring(route.indexOf(' ') + 1));
      String body = method.equals("GET") || method.equals("HEAD") ? null : "{}";
      AuthServer.Reply anonymous = server.send(method, path, body, null);
      boolean open = rule.isOpen();
      if (open ? denied(anonymous) : anonymous.status() != 401 || !"UNAUTHENTICATED".equals(errorCode(path, anonymous))
          || anonymous.header("WWW-Authenticate") == null) {
        wrong.add(route + " without credentials: " + anonymous);
      }
      for (Map.Entry<String, String> caller : CALLERS.entrySet()) {
        AuthServer.Reply r = server.send(method, path, body, caller.getValue());
        boolean allowed = open || rule.scope() == RouteRules.ScopeFrom.SELF
            || (!caller.getKey().equals("nobody") && Role.parse(caller.getKey()).includes(rule.role()));
        if (allowed && denied(r)) {
          wrong.add(route + " as " + caller.getKey() + " should pass the rule (" + rule + "): " + r);
        } else if (!allowed && (r.status() != 403 || !"PERMISSION_DENIED".equals(errorCode(path, r))
            || !message(path, r).contains("needs role " + rule.role().wire()))) {
          wrong.add(route + " as " + caller.getKey() + " should be 403 (" + rule + "): " + r);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  /**
   * A refusal's error code: MLflow's error_code for the API; for a UI page, answered with the HTML error page
   * (UiErrors), the code its status stands for.
   */
  static String errorCode(String path, AuthServer.Reply r) {
    if (!dev.cairn.server.ui.UiErrors.isUi(path)) {
      return r.errorCode();
    }
    boolean page = r.text().contains("id=\"page-error\"") && r.header("Content-Type").startsWith("text/html");
    return !page ? "not the HTML error page" : r.status() == 401 ? "UNAUTHENTICATED"
        : r.status() == 403 ? "PERMISSION_DENIED" : "HTTP " + r.status();
  }

  static String message(String path, AuthServer.Reply r) {
    return dev.cairn.server.ui.UiErrors.isUi(path) ? r.text() : r.json().get("message").asText();
  }

  /** The table's decisions for routes whose role the issue fixes, so the table cannot drift unnoticed. */
  @Test
  void theRolesTheIssueNamesArePinned() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("GET /health", "open");
    expected.put("GET /version", "open");
    expected.put("GET /metrics", "viewer");
    expected.put("GET /api/2.0/mlflow/runs/get", "viewer");
    expected.put("POST /api/2.0/mlflow/runs/search", "viewer");
    expected.put("POST /api/2.0/mlflow/runs/log-batch", "editor");
    expected.put("POST /ajax-api/2.0/mlflow/runs/log-batch", "editor");
    expected.put("POST /api/2.0/mlflow/experiments/create", "editor");
    expected.put("GET /api/2.0/mlflow-artifacts/artifacts/<path>", "viewer");
    expected.put("PUT /api/2.0/mlflow-artifacts/artifacts/<path>", "editor");
    expected.put("GET /api/cairn/v1/datasets", "viewer");
    expected.put("POST /api/cairn/v1/datasets/{name}/versions", "editor");
    expected.put("POST /api/cairn/v1/users", "admin");
    expected.put("GET /api/cairn/v1/users", "admin");
    expected.put("POST /api/cairn/v1/users/{name}/grants", "admin");
    expected.put("POST /api/cairn/v1/tokens", "self");
    expected.put("DELETE /api/cairn/v1/tokens/{id}", "self");
    // routes other parts of the issue add: the rules are in place before the routes
    expected.put("POST /api/2.0/mlflow/registered-models/create", "editor");
    expected.put("GET /api/2.0/mlflow/registered-models/get", "viewer");
    expected.put("GET /api/2.0/mlflow/registered-models/search", "viewer");
    expected.put("POST /api/2.0/mlflow/registered-models/alias", "editor");
    expected.put("DELETE /api/2.0/mlflow/registered-models/alias", "editor");
    expected.put("GET /api/2.0/mlflow/registered-models/alias", "viewer");
    expected.put("POST /api/2.0/mlflow/registered-models/get-latest-versions", "viewer");
    expected.put("POST /api/2.0/mlflow/model-versions/create", "editor");
    expected.put("POST /api/2.0/mlflow/model-versions/transition-stage", "editor");
    expected.put("GET /api/2.0/mlflow/model-versions/get-download-uri", "viewer");
    expected.put("POST /api/2.0/mlflow/logged-models", "editor");
    expected.put("GET /api/2.0/mlflow/logged-models/{model_id}", "viewer");
    expected.put("POST /api/2.0/mlflow/logged-models/search", "viewer");
    expected.put("POST /api/2.0/mlflow/webhooks", "admin");
    expected.put("GET /api/2.0/mlflow/webhooks", "admin");
    expected.put("POST /api/cairn/v1/registry/policies/set", "admin");
    expected.put("POST /api/cairn/v1/registry/policies/delete", "admin");
    expected.put("POST /api/cairn/v1/registry/promotions/request", "editor");
    expected.put("POST /api/cairn/v1/registry/promotions/approve", "approver");
    expected.put("POST /api/cairn/v1/registry/promotions/reject", "approver");
    expected.put("POST /api/cairn/v1/registry/aliases/rollback", "approver");
    expected.put("GET /api/cairn/v1/registry/promotions", "viewer");
    expected.put("GET /api/cairn/v1/webhooks/{webhook_id}/deliveries", "admin");
    expected.put("GET /api/cairn/v1/audit", "admin");
    expected.put("GET /api/cairn/v1/audit/verify", "admin");
    expected.put("GET /api/cairn/v1/lineage", "viewer");
    expected.put("GET /api/cairn/v1/metrics/downsampled", "viewer");
    expected.put("GET /api/cairn/v1/models/resolve", "viewer");
    expected.put("GET /api/cairn/v1/models/manifest", "viewer");
    expected.put("GET /api/cairn/v1/models/public-key", "open");
    expected.put("POST /ui/runs/delete", "editor"); // as runs/delete and runs/restore
    expected.put("POST /ui/runs/restore", "editor");
    expected.put("GET /ui/pipelines", "viewer"); // pipeline runs are runs: viewer, by experiment_id or run_id
    expected.put("GET /ui/pipeline", "viewer");
    expected.put("GET /ui/model/version", "viewer");
    expected.put("GET /ui/deployments", "viewer"); // as the deployments API: a global grant
    expected.put("GET /ui/deployment", "viewer");
    expected.put("GET /api/cairn/v1/deployments", "viewer");
    expected.put("GET /api/cairn/v1/deployments/{name}/history", "viewer");
    expected.put("POST /api/cairn/v1/deployments", "editor");
    expected.put("PATCH /api/cairn/v1/deployments/{name}", "editor");
    expected.put("DELETE /api/cairn/v1/deployments/{name}", "editor");
    expected.put("POST /api/cairn/v1/deployments/{name}/rollback", "editor");
    expected.put("POST /api/cairn/v1/deployments/{name}/feedback", "editor");
    expected.put("GET /api/cairn/v1/deployments/{name}/predictions", "viewer");
    expected.put("GET /api/cairn/v1/deployments/{name}/accuracy", "viewer");
    expected.put("GET /api/cairn/v1/deployments/{name}/monitor", "viewer");
    expected.put("POST /api/cairn/v1/deployments/{name}/canary", "editor");
    expected.put("GET /api/cairn/v1/deployments/{name}/canary", "viewer");
    expected.put("POST /api/cairn/v1/deployments/{name}/canary/abort", "editor");
    expected.put("POST /api/cairn/v1/deployments/{name}/canary/promote", "editor");
    expected.put("GET /v2/health/live", "open");
    expected.put("GET /v2/health/ready", "open");
    expected.put("GET /v2/models/{deployment}", "viewer");
    expected.put("GET /v2/models/{deployment}/ready", "viewer");
    expected.put("POST /v2/models/{deployment}/infer", "viewer");
    expected.put("GET /v2/models/{deployment}/versions/{version}", "viewer");
    expected.put("GET /v2/models/{deployment}/versions/{version}/ready", "viewer");
    expected.put("POST /v2/models/{deployment}/versions/{version}/infer", "viewer");
    expected.put("POST /deployments/{deployment}/invocations", "viewer");
    expected.put("POST /api/cairn/v1/alert-rules", "editor");
    expected.put("GET /api/cairn/v1/alert-rules", "viewer");
    expected.put("POST /api/cairn/v1/alert-rules/apply", "editor");
    expected.put("GET /api/cairn/v1/alert-rules/{name}", "viewer");
    expected.put("PUT /api/cairn/v1/alert-rules/{name}", "editor");
    expected.put("DELETE /api/cairn/v1/alert-rules/{name}", "editor");
    expected.put("GET /api/cairn/v1/alerts", "viewer");
    expected.put("GET /api/cairn/v1/alerts/{alert_id}", "viewer");
    expected.put("POST /api/cairn/v1/alerts/evaluate", "editor");
    expected.put("GET /ui/alerts", "viewer");
    Map<String, String> actual = new LinkedHashMap<>();
    for (String route : expected.keySet()) {
      RouteRules.Rule r = rule(route);
      actual.put(route, r == null ? "no rule" : r.isOpen() ? "open"
          : r.scope() == RouteRules.ScopeFrom.SELF ? "self" : r.role().wire());
    }
    assertThat(actual).containsExactlyEntriesOf(expected);
    assertThat(rule("GET /api/cairn/v1/unknown")).isNull();
  }

  @Test
  void aRouteWithoutARuleIsRefusedEvenToAnAdmin() {
    CairnServer.RouteModule extra = (routes, m, a) -> routes.get("/api/cairn/v1/unruled", ctx -> ctx.result("x"));
    try (AuthServer other = AuthServer.start(dir.resolve("other"), List.of(extra))) {
      assertThat(other.server.routes()).contains("GET /api/cairn/v1/unruled");
      assertThat(rule("GET /api/cairn/v1/unruled")).isNull();
      AuthServer.Reply r = other.get("/api/cairn/v1/unruled", AuthServer.bearer(other.adminToken));
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.json().get("message").asText()).contains("no authorisation rule");
      assertThat(other.get("/api/cairn/v1/unruled", null).status()).isEqualTo(401);
    }
  }

  private static boolean denied(AuthServer.Reply r) {
    return r.status() == 401 || r.status() == 403;
  }

  private static RouteRules.Rule rule(String route) {
    int space = route.indexOf(' ');
    return RouteRules.find(route.substring(0, space), route.substring(space + 1));
  }

  /** A request path for a registered one: every parameter filled with a value no test user is named. */
  private static String concrete(String registered) {
    return registered.replaceAll("\\{[^}]+}", "x1").replace("<path>", "matrix/file.txt").replaceAll("<[^>]+>", "x1");
  }
}
