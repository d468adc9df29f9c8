package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.identity.Role;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.registry.PromotionRequest.Status;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.server.auth.Access;
import dev.cairn.server.lineage.LineageService;
import dev.cairn.server.auth.SignIn;
import dev.cairn.server.ui.ModelViews.LineagePage;
import dev.cairn.server.ui.ModelViews.VersionMetrics;
import dev.cairn.server.ui.ModelViews.ModelPage;
import dev.cairn.server.ui.ModelViews.ModelsPage;
import dev.cairn.server.ui.ModelViews.PromotionsPage;
import dev.cairn.server.ui.ModelViews.RequestView;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The registry and governance pages, all routes in one place. Model names may hold '/', so every page names its
 * model in the query ({@code name}), which also lets the API's model-scoped grants apply:
 * <pre>
 * GET  /ui/models?q=TEXT                 registered models whose name contains TEXT (page_token)
 * GET  /ui/model?name=NAME               versions, aliases, protected aliases and alias history (page_token)
 * GET  /ui/model/lineage?name=NAME&amp;version=N  what the version was made from: run, logged model, datasets
 * GET  /ui/promotions?name=NAME          promotion requests (pending first) with their evidence and decisions
 *                                        (page_size, pending_token, closed_token: the two lists page apart)
 * POST /ui/promotions/approve|reject?request_id=ID   form: comment, csrf; decides as the signed-in user, back to the list
 * GET  /ui/audit?actor=&amp;target=&amp;verify=1  audit events, newest first (admin), with the chain check on request
 * </pre>
 */
public final class ModelPages {
  public static final String MODELS = "/ui/models";
  public static final String MODEL = "/ui/model";
  public static final String LINEAGE = "/ui/model/lineage";
  public static final String PROMOTIONS = "/ui/promotions";
  static final int MODELS_PAGE_SIZE = 50;
  static final int VERSIONS_PAGE_SIZE = 100;
  /** Pending requests shown a page, and closed ones after them (and the largest page_size). */
  static final int REQUESTS_SHOWN = 100;
  /** Alias moves shown per alias: the newest. */
  static final int HISTORY_PER_ALIAS = 20;

  /** Metric columns of the versions table: the keys most of the versions' runs logged, in name order. */
  static final int VERSION_METRIC_COLUMNS = 4;

  private final ModelRegistryStore registry;
  private final PromotionStore promotions;
  private final LineageService lineage;
  private final MetadataStore tracking;

  private ModelPages(ModelRegistryStore registry, PromotionStore promotions, LineageService lineage,
      MetadataStore tracking) {
    this.registry = registry;
    this.promotions = promotions;
    this.lineage = lineage;
    this.tracking = tracking;
  }

  /** The registry pages and, as governance, the audit page. */
  public static void register(RoutesConfig routes, ModelRegistryStore registry, PromotionStore promotions,
      LineageService lineage, AuditLog audit, MetadataStore tracking) {
    ModelPages p = new ModelPages(registry, promotions, lineage, tracking);
    routes.get(MODELS, UiRoutes.page(p::models));
    routes.get(MODEL, UiRoutes.page(p::model));
    routes.get(LINEAGE, UiRoutes.page(p::lineage));
    routes.get(PROMOTIONS, UiRoutes.page(p::promotions));
    routes.post(PROMOTIONS + "/approve", UiRoutes.page(ctx -> p.decide(ctx, true)));
    routes.post(PROMOTIONS + "/reject", UiRoutes.page(ctx -> p.decide(ctx, false)));
    routes.get(AuditPage.PATH, UiRoutes.page(new AuditPage(audit)::show));
  }

  private void models(Context ctx) {
    String q = UiRoutes.text(ctx, "q");
    String filter = q.isEmpty() ? null : "name LIKE '%" + q.replace("'", "''") + "%'";
    Page<RegisteredModel> page = registry.searchRegisteredModels(filter, List.of(), // name order: the name index, no sort
        MODELS_PAGE_SIZE, ctx.queryParam("page_token"));
    UiRoutes.render(ctx, "models.jte", new ModelsPage(q, page.items(), page.nextPageToken()));
  }

  private void model(Context ctx) {
    String name = UiRoutes.required(ctx, "name");
    RegisteredModel model = registry.getRegisteredModel(name);
    Page<ModelVersion> versions = registry.searchModelVersions("name = '" + name.replace("'", "''") + "'",
        List.of(), VERSIONS_PAGE_SIZE, ctx.queryParam("page_token"));
    List<PromotionPolicy> policies = promotions.policies(name);
    TreeSet<String> aliases = new TreeSet<>(model.aliases().keySet());
    policies.forEach(p -> aliases.add(p.alias()));
    List<AliasChange> history = new ArrayList<>();
    for (String alias : aliases) {
      history.addAll(promotions.history(name, alias, HISTORY_PER_ALIAS));
    }
    history.sort(Comparator.comparingLong(AliasChange::time).reversed());
    VersionMetrics metrics = versionMetrics(versions.items());
    UiRoutes.render(ctx, "model.jte", new ModelPage(model, versions.items(), versions.nextPageToken(), policies,
        history, metrics));
  }

  /**
   * The latest metrics of each version's source run, under the keys most of those runs logged (ties by name), at
   * most {@link #VERSION_METRIC_COLUMNS}. One run read per version of the page; a run that is gone shows nothing.
   */
  private VersionMetrics versionMetrics(List<ModelVersion> versions) {
    Map<String, Map<String, Double>> byRun = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (ModelVersion v : versions) {
      if (v.runId() == null || v.runId().isEmpty() || byRun.containsKey(v.runId())) {
        continue;
      }
      Map<String, Double> latest = new HashMap<>();
      try {
        tracking.getRun(v.runId()).metrics().forEach(m -> latest.put(m.key(), m.value()));
      } catch (CairnException e) {
        if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
          throw e;
        }
      }
      latest.keySet().forEach(k -> seen.merge(k, 1, Integer::sum));
      byRun.put(v.runId(), latest);
    }
    List<String> keys = seen.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(VERSION_METRIC_COLUMNS).map(Map.Entry::getKey).sorted().toList();
    return new VersionMetrics(keys, byRun);
  }

  private void lineage(Context ctx) {
    String name = UiRoutes.required(ctx, "name");
    int version = versionNumber(UiRoutes.required(ctx, "version"));
    LineageGraph graph = lineage.ofModelVersion(name, version);
    UiRoutes.render(ctx, "model-lineage.jte", new LineagePage(name, version,
        ModelViews.tree(graph, "model:" + name + "/" + version), LineageLayout.of(graph)));
  }

  /** A {@code version} query parameter: INVALID_PARAMETER_VALUE unless a whole number. */
  static int versionNumber(String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw CairnException.invalid("version '" + text + "' must be a model version number (1, 2, ...)");
    }
  }

  private void promotions(Context ctx) {
    String name = UiRoutes.text(ctx, "name");
    String user = ctx.attribute(Access.ACTOR);
    String model = name.isEmpty() ? null : name;
    int pageSize = UiRoutes.pageSize(ctx, REQUESTS_SHOWN, REQUESTS_SHOWN);
    String pendingToken = ctx.queryParam("pending_token");
    String closedToken = ctx.queryParam("closed_token");
    // pending requests first (they wait for someone), then closed ones; each list pages on its own, newest first
    Page<PromotionRequest> pending = promotions.list(model, Status.PENDING, pageSize, pendingToken);
    Page<PromotionRequest> closed = promotions.listClosed(model, pageSize, closedToken);
    List<PromotionRequest> shown = new ArrayList<>(pending.items());
    shown.addAll(closed.items());
    List<RequestView> requests = new ArrayList<>();
    for (PromotionRequest r : shown) {
      boolean decided = r.decisions().stream().anyMatch(d -> d.actor().equals(user));
      // with authentication off nobody can decide (the API refuses "local"); the API checks the role again
      boolean canDecide = user != null && r.status().isOpen() && !user.equals(r.requester()) && !decided
          && Access.holds(ctx, Role.APPROVER, r.modelName());
      requests.add(new RequestView(r, ModelViews.version(r.evidenceJson(), "candidate"),
          ModelViews.version(r.evidenceJson(), "current"), ModelViews.evidence(r.evidenceJson()), canDecide));
    }
    UiRoutes.render(ctx, "promotions.jte", new PromotionsPage(name, requests, ctx.attribute(SignIn.CSRF_ATTRIBUTE),
        pageSize, pendingToken, pending.nextPageToken(), closedToken, closed.nextPageToken()));
  }

  private void decide(Context ctx, boolean approve) {
    // in the query, where Access finds the request's model for model-scoped grants (it reads no form bodies)
    String requestId = ctx.queryParam("request_id");
    if (requestId == null || requestId.isBlank()) {
      throw CairnException.invalid("query parameter request_id is missing");
    }
    String user = ctx.attribute(Access.ACTOR);
    if (user == null) {
      throw new CairnException(dev.cairn.core.ErrorCode.PERMISSION_DENIED, "approving and rejecting need"
          + " authentication, so that the requester and the approvers are different people: start the server with --auth");
    }
    String comment = ctx.formParam("comment");
    comment = comment == null || comment.isBlank() ? null : comment.strip();
    PromotionRequest r = approve ? promotions.approve(requestId, user, comment).request()
        : promotions.reject(requestId, user, comment);
    ctx.redirect(ModelViews.promotionsUrl(r.modelName()), io.javalin.http.HttpStatus.SEE_OTHER);
  }
}
