package dev.cairn.server.auth;

import dev.cairn.identity.Role;
import dev.cairn.server.mlflow.ArtifactProxyRoutes;
import dev.cairn.server.mlflow.MlflowRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one table that says which role each route needs and where its scope comes from. Rules match a route
 * as Javalin registered it (method and path pattern, e.g. {@code /api/cairn/v1/users/{name}}); the first
 * matching rule wins, so exact rules come before the wildcard ones of a family. A route no rule matches is
 * refused to everyone (fail closed); {@code AuthorisationMatrixTest} lists every registered route against
 * this table so a route added without a rule fails the build.
 */
public final class RouteRules {
  /** Where the scope of a request is read from. */
  public enum ScopeFrom {
    /** No credentials needed at all (health, version). */
    OPEN,
    /** Only a global grant counts. */
    GLOBAL,
    /**
     * The experiment named by {@code experiment_id} (or every one of {@code experiment_ids}), or the experiment
     * of {@code run_id}/{@code run_uuid} (every one of {@code run_ids}); a global grant when none is given.
     */
    EXPERIMENT,
    /** The registered model {@code name} (path parameter, query or body); a global grant when none is given. */
    REGISTERED_MODEL,
    /**
     * Any signed-in user, acting on their own account (their tokens); the handler refuses another user's
     * unless the caller holds a global admin grant ({@link Access#requireSelfOrAdmin}).
     */
    SELF
  }

  /**
   * One rule.
   *
   * @param method an HTTP method, or {@code *} for any (then GET and HEAD need {@code role}'s read
   *     counterpart: see {@link #readWrite})
   * @param path the registered path; {@code *} matches any characters
   * @param role the least role needed; null for {@link ScopeFrom#OPEN} and {@link ScopeFrom#SELF}
   */
  public record Rule(String method, String path, Role role, ScopeFrom scope) {
    boolean isOpen() {
      return scope == ScopeFrom.OPEN;
    }

    @Override
    public String toString() {
      return method + " " + path + " -> " + (role == null ? scope.name().toLowerCase(Locale.ROOT)
          : role.wire() + " on " + scope.name().toLowerCase(Locale.ROOT));
    }
  }

  private record Compiled(Rule rule, Pattern path) {}

  private static final List<Rule> RULES = build();
  private static final List<Compiled> COMPILED = RULES.stream()
      .map(r -> new Compiled(r, glob(r.path()))).toList();
  /** Registered routes are few and fixed: each one's rule is looked up once. */
  private static final Map<String, Rule> RESOLVED = new ConcurrentHashMap<>();
  private static final Rule NONE = new Rule("-", "-", Role.ADMIN, ScopeFrom.GLOBAL);

  private RouteRules() {}

  /** Every rule, in matching order. */
  public static List<Rule> all() {
    return RULES;
  }

  /**
   * The rule for a registered route, or null when none matches (the route is then refused to everyone). Answers are
   * remembered per route template, a set as small as the route table.
   */
  public static Rule find(String method, String registeredPath) {
    Rule r = RESOLVED.computeIfAbsent(method + ' ' + registeredPath, k -> match(method, registeredPath));
    return r == NONE ? null : r;
  }

  /**
   * As {@link #find}, for a path no route matched (a 404 to be): not remembered, since a client chooses such paths
   * freely and remembering each would let it grow the server's memory without bound.
   */
  public static Rule findUnregistered(String method, String path) {
    Rule r = match(method, path);
    return r == NONE ? null : r;
  }

  private static Rule match(String method, String path) {
    for (Compiled c : COMPILED) {
      if ((c.rule().method().equals("*") || c.rule().method().equalsIgnoreCase(method))
          && c.path().matcher(path).matches()) {
        Rule found = c.rule();
        return found.method().equals("*") ? readWrite(found, method) : found;
      }
    }
    return NONE;
  }

  /** A method-agnostic rule applied: reads (GET, HEAD) need viewer, anything else the rule's role. */
  private static Rule readWrite(Rule r, String method) {
    boolean read = method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD");
    Role role = read && r.role() != null ? Role.VIEWER : r.role();
    return new Rule(method.toUpperCase(Locale.ROOT), r.path(), role, r.scope());
  }

  private static Pattern glob(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("\\*", -1)) {
      parts.add(part.isEmpty() ? "" : Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }

  private static List<Rule> build() {
    List<Rule> rules = new ArrayList<>();
    Role viewer = Role.VIEWER;
    Role editor = Role.EDITOR;
    Role approver = Role.APPROVER;
    Role admin = Role.ADMIN;
    ScopeFrom exp = ScopeFrom.EXPERIMENT;
    ScopeFrom model = ScopeFrom.REGISTERED_MODEL;
    ScopeFrom global = ScopeFrom.GLOBAL;

    // operations: liveness answers anyone (load balancers probe it); metrics describe the server's use
    rules.add(new Rule("GET", "/health", null, ScopeFrom.OPEN));
    rules.add(new Rule("GET", "/version", null, ScopeFrom.OPEN));
    rules.add(new Rule("GET", "/metrics", viewer, global));
    // inference: OIP health is open like /health; scoring reads models without changing anything, so a global
    // viewer may (a per-model grant would have to cover every model a deployment routes to, shadows included)
    rules.add(new Rule("GET", "/v2/health/*", null, ScopeFrom.OPEN));
    rules.add(new Rule("GET", "/v2/models/*", viewer, global));
    rules.add(new Rule("POST", "/v2/models/*", viewer, global));
    rules.add(new Rule("POST", "/deployments/*/invocations", viewer, global));

    for (String p : MlflowRoutes.PREFIXES) {
      // tracking: experiments
      rules.add(new Rule("POST", p + "experiments/create", editor, global));
      rules.add(new Rule("GET", p + "experiments/get", viewer, exp));
      rules.add(new Rule("GET", p + "experiments/get-by-name", viewer, global));
      rules.add(new Rule("GET", p + "experiments/search", viewer, global));
      rules.add(new Rule("POST", p + "experiments/search", viewer, global));
      for (String w : List.of("update", "delete", "restore", "set-experiment-tag", "delete-experiment-tag")) {
        rules.add(new Rule("POST", p + "experiments/" + w, editor, exp));
      }
      // tracking: runs, metrics, artifacts listing
      rules.add(new Rule("GET", p + "runs/get", viewer, exp));
      rules.add(new Rule("POST", p + "runs/search", viewer, exp));
      for (String w : List.of("create", "update", "delete", "restore", "log-metric", "log-parameter", "set-tag",
          "delete-tag", "log-batch", "log-inputs", "log-outputs", "outputs", "log-model")) {
        rules.add(new Rule("POST", p + "runs/" + w, editor, exp));
      }
      rules.add(new Rule("GET", p + "metrics/get-history", viewer, exp));
      rules.add(new Rule("GET", p + "metrics/get-history-bulk-interval", viewer, exp));
      rules.add(new Rule("GET", p + "artifacts/list", viewer, exp));
      // MLflow 3 logged models: like runs (search is a POST that only reads)
      rules.add(new Rule("POST", p + "logged-models/search", viewer, exp));
      rules.add(new Rule("*", p + "logged-models*", editor, exp));
      // registry: scoped by the registered model's name; reads that MLflow sends as POST listed first
      rules.add(new Rule("GET", p + "registered-models/search", viewer, global));
      rules.add(new Rule("GET", p + "model-versions/search", viewer, global));
      rules.add(new Rule("POST", p + "registered-models/get-latest-versions", viewer, model));
      rules.add(new Rule("*", p + "registered-models/*", editor, model));
      rules.add(new Rule("*", p + "model-versions/*", editor, model));
      // webhooks carry secrets and reach out to other hosts
      rules.add(new Rule("GET", p + "webhooks*", admin, global));
      rules.add(new Rule("*", p + "webhooks*", admin, global));
    }
    // MLflow's artifact proxy: paths are store paths, not tied to one experiment, so only global grants count
    for (String p : ArtifactProxyRoutes.PREFIXES) {
      rules.add(new Rule("*", p + "*", editor, global));
    }

    String cairn = "/api/cairn/v1/";
    // identity: users and grants are the admin's; tokens are each user's own
    rules.add(new Rule("GET", cairn + "whoami", null, ScopeFrom.SELF));
    rules.add(new Rule("GET", cairn + "users*", admin, global));
    rules.add(new Rule("*", cairn + "users*", admin, global));
    rules.add(new Rule("*", cairn + "tokens*", null, ScopeFrom.SELF));
    // datasets: a run input is written to a run, so the run's experiment decides
    rules.add(new Rule("POST", cairn + "datasets/*/run-inputs", editor, exp));
    rules.add(new Rule("POST", cairn + "datasets/blobs/missing", editor, global));
    rules.add(new Rule("*", cairn + "datasets*", editor, global));
    // registry governance: policy is the admin's, deciding promotions and rolling back the approver's
    rules.add(new Rule("GET", cairn + "registry/*", viewer, model));
    rules.add(new Rule("*", cairn + "registry/policies*", admin, model));
    for (String decision : List.of("approve", "reject", "rollback")) {
      rules.add(new Rule("POST", cairn + "registry/*" + decision + "*", approver, model));
    }
    rules.add(new Rule("*", cairn + "registry/*", editor, model));
    rules.add(new Rule("GET", cairn + "models/resolve", viewer, global));
    rules.add(new Rule("GET", cairn + "models/manifest", viewer, model));
    // a public key is public: anyone verifying a copied bundle may fetch it
    rules.add(new Rule("GET", cairn + "models/public-key", null, ScopeFrom.OPEN));
    rules.add(new Rule("GET", cairn + "lineage*", viewer, global));
    // deployments: reading them is viewing; changing one moves production traffic between models, so only a global
    // editor may (a per-model editor grant would have to cover every model of the old and the new routing)
    // the prediction log and accuracy read as the deployment does; feedback comes from business systems writing
    // about production traffic: a global editor, like the deployment writes
    rules.add(new Rule("POST", cairn + "deployments/*/feedback", editor, global));
    rules.add(new Rule("GET", cairn + "deployments/*/predictions", viewer, global));
    rules.add(new Rule("GET", cairn + "deployments/*/accuracy", viewer, global));
    rules.add(new Rule("GET", cairn + "deployments/*/monitor", viewer, global));
    // a canary moves traffic and may move an alias (protected ones only through a promotion request): as deployments
    rules.add(new Rule("GET", cairn + "deployments/*/canary", viewer, global));
    rules.add(new Rule("POST", cairn + "deployments/*/canary*", editor, global));
    rules.add(new Rule("GET", cairn + "deployments*", viewer, global));
    rules.add(new Rule("*", cairn + "deployments*", editor, global));
    // alerts watch deployments: read as deployments are; rules and evaluation rounds change what fires and who is
    // told, so a global editor, like deployment writes (webhooks themselves stay admin-only)
    rules.add(new Rule("GET", cairn + "alert-rules*", viewer, global));
    rules.add(new Rule("*", cairn + "alert-rules*", editor, global));
    rules.add(new Rule("GET", cairn + "alerts*", viewer, global));
    rules.add(new Rule("POST", cairn + "alerts/evaluate", editor, global));
    // chart data reads one run's metric: as get-history
    rules.add(new Rule("GET", cairn + "metrics/downsampled", viewer, exp));
    // the webhook delivery log shows payloads and receivers: as the webhooks themselves
    rules.add(new Rule("GET", cairn + "webhooks*", admin, global));
    // the audit log names everyone's actions
    rules.add(new Rule("GET", cairn + "audit*", admin, global));
    rules.add(new Rule("*", cairn + "audit*", admin, global));
    // web UI: pages read like the API they show (scoped by experiment_id / run_id / run_ids in the query);
    // "/" only redirects and the static files hold no data
    rules.add(new Rule("GET", "/", null, ScopeFrom.OPEN));
    rules.add(new Rule("GET", "/static/*", null, ScopeFrom.OPEN));
    // signing in is open (the form carries its own CSRF token); signing out needs a session (and its token)
    rules.add(new Rule("*", SignIn.LOGIN, null, ScopeFrom.OPEN));
    rules.add(new Rule("POST", SignIn.LOGOUT, null, ScopeFrom.SELF));
    rules.add(new Rule("GET", "/ui/experiments", viewer, global));
    rules.add(new Rule("GET", "/ui/datasets*", viewer, global)); // like the dataset API: global grants
    rules.add(new Rule("GET", "/ui/models", viewer, global)); // registry pages: as the registry API they show
    rules.add(new Rule("GET", "/ui/model", viewer, model));
    rules.add(new Rule("GET", "/ui/model/lineage", viewer, global)); // as the lineage API: it crosses experiments
    rules.add(new Rule("GET", "/ui/model/version", viewer, model)); // a version and its evaluation: as the registry API
    rules.add(new Rule("GET", "/ui/deployments", viewer, global)); // as the deployments API: global grants
    rules.add(new Rule("GET", "/ui/deployment", viewer, global));
    // pipeline runs are MLflow runs: one run by its run_id's experiment, the list by experiment_id (else global)
    rules.add(new Rule("GET", "/ui/pipelines", viewer, exp));
    rules.add(new Rule("GET", "/ui/pipeline", viewer, exp));
    rules.add(new Rule("GET", "/ui/promotions", viewer, model));
    rules.add(new Rule("POST", "/ui/promotions/*", approver, model)); // by the request_id's model, as the API
    rules.add(new Rule("GET", "/ui/audit", admin, global));
    rules.add(new Rule("GET", "/ui/alerts", viewer, global)); // as the alerts API
    // deleting and restoring runs from the runs page: as runs/delete and runs/restore, on the experiment_id in the
    // address (the handler refuses runs of any other experiment)
    rules.add(new Rule("POST", "/ui/runs/delete", editor, exp));
    rules.add(new Rule("POST", "/ui/runs/restore", editor, exp));
    rules.add(new Rule("GET", "/ui/*", viewer, exp));
    return List.copyOf(rules);
  }
}
