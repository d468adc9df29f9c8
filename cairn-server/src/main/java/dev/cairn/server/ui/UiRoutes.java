package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.server.mlflow.ArtifactLocations;
import dev.cairn.server.ui.UiViews.ArtifactLink;
import dev.cairn.server.ui.UiViews.ArtifactPage;
import dev.cairn.server.ui.UiViews.ComparePage;
import dev.cairn.server.ui.UiViews.ExperimentsPage;
import dev.cairn.server.ui.UiViews.RunPage;
import dev.cairn.server.ui.UiViews.RunsPage;
import dev.cairn.server.ui.UiViews.SourceTag;
import dev.cairn.store.ArtifactPaths;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.ViewType;
import dev.cairn.identity.Role;
import dev.cairn.server.auth.Access;
import dev.cairn.server.auth.SignIn;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web UI's routes, in one place: server-rendered pages under {@code /ui/} (each shows its data without
 * JavaScript; charts excepted) and their static files under {@code /static/}. Pages name their experiment or
 * run in the query ({@code experiment_id}, {@code run_id}, {@code run_ids}) so the API's scoped grants apply.
 */
public final class UiRoutes {
  public static final String EXPERIMENTS = "/ui/experiments";
  public static final String RUNS = "/ui/runs";
  /** POST, form {@code run_ids} (and {@code csrf}): soft-deletes the runs of {@code experiment_id}, back to {@code back}. */
  public static final String DELETE_RUNS = "/ui/runs/delete";
  public static final String RESTORE_RUNS = "/ui/runs/restore";
  public static final String RUN = "/ui/run";
  public static final String COMPARE = "/ui/compare";
  public static final String ARTIFACT = "/ui/artifact";
  public static final String STATIC = "/static/{name}";
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int EXPERIMENTS_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;
  static final int MAX_COMPARED = 20;
  /** Most runs one delete or restore takes: a page's worth at the largest page size. */
  static final int MAX_BULK_RUNS = MAX_PAGE_SIZE;
  /** How many columns a runs page shows before the user picks: the first metrics and params it meets. */
  static final int DEFAULT_COLUMNS = 8;
  private static final Pattern POSITION = Pattern.compile("at position (\\d+)");
  /** Tags the run page lists as its source, in this order (cairn-client's SourceTags writes them). */
  private static final Map<String, String> SOURCE_TAGS = sourceTags();

  private final MetadataStore store;
  private final ArtifactStore artifacts;
  private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

  private UiRoutes(MetadataStore store, ArtifactStore artifacts) {
    this.store = store;
    this.artifacts = artifacts;
  }

  public static void register(RoutesConfig routes, MetadataStore store, ArtifactStore artifacts) {
    UiRoutes ui = new UiRoutes(store, artifacts);
    routes.get("/", ctx -> ctx.redirect(EXPERIMENTS));
    routes.get(EXPERIMENTS, ui.page(ui::experiments));
    routes.get(RUNS, ui.page(ui::runs));
    routes.post(DELETE_RUNS, page(ctx -> ui.deleteOrRestore(ctx, true)));
    routes.post(RESTORE_RUNS, page(ctx -> ui.deleteOrRestore(ctx, false)));
    routes.get(RUN, ui.page(ui::run));
    routes.get(COMPARE, ui.page(ui::compare));
    routes.get(ARTIFACT, ui.page(ui::artifact));
    routes.get(STATIC, UiRoutes::asset);
  }

  /** A page whose refusals (a missing run, a bad parameter) answer an HTML page with the API's status and message. */
  static Handler page(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (CairnException e) {
        if (e.code() == ErrorCode.INTERNAL_ERROR) {
          throw e;
        }
        ctx.status(e.code().httpStatus());
        render(ctx, "error.jte", new UiViews.ErrorPage(e.code().httpStatus(), e.getMessage()));
      }
    };
  }

  private static Map<String, String> sourceTags() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("mlflow.source.git.commit", "Git commit");
    m.put("cairn.source.git.dirty", "Uncommitted changes");
    m.put("mlflow.source.git.branch", "Git branch");
    m.put("mlflow.source.git.repoURL", "Repository");
    m.put("mlflow.source.name", "Entry point");
    m.put("mlflow.source.type", "Source type");
    m.put("mlflow.user", "User");
    m.put("cairn.jdk", "JDK");
    m.put("cairn.host", "Host");
    return m;
  }

  private void experiments(Context ctx) {
    String q = text(ctx, "q");
    String filter = q.isEmpty() ? null : "name ILIKE '%" + q.replace("'", "''") + "%'";
    Page<Experiment> page = store.searchExperiments(ViewType.ACTIVE_ONLY, filter, List.of("last_update_time DESC"),
        EXPERIMENTS_PAGE_SIZE, ctx.queryParam("page_token"));
    // last activity = the newest run's start: one indexed single-row search per listed experiment
    Map<String, Long> lastRun = new LinkedHashMap<>();
    for (Experiment e : page.items()) {
      List<Run> newest = store.searchRuns(List.of(e.experimentId()), null, ViewType.ACTIVE_ONLY, 1,
          List.of(), null).items(); // the default order: newest start first
      if (!newest.isEmpty()) {
        lastRun.put(e.experimentId(), newest.get(0).info().startTime());
      }
    }
    // one grouped count over an index for the whole page (MetadataStore.countRuns)
    Map<String, Long> counts = page.items().isEmpty() ? Map.of()
        : store.countRuns(page.items().stream().map(Experiment::experimentId).toList(), ViewType.ACTIVE_ONLY);
    render(ctx, "experiments.jte", new ExperimentsPage(q, page.items(), lastRun, counts,
        ctx.queryParam("page_token"), page.nextPageToken()));
  }

  private void runs(Context ctx) {
    String experimentId = required(ctx, "experiment_id");
    Experiment experiment = store.getExperiment(experimentId);
    String filter = text(ctx, "filter");
    String sort = ctx.queryParam("sort");
    if (sort != null && !isColumn(sort)) {
      throw CairnException.invalid("sort '" + sort + "' is not a column; sort by attributes.run_name, "
          + "attributes.start_time, attributes.status, attributes.user_id or a metrics., params. or tags. key");
    }
    boolean desc = !"0".equals(ctx.queryParam("desc"));
    int pageSize = pageSize(ctx);
    String token = ctx.queryParam("page_token");
    boolean deleted = deletedView(ctx);
    List<String> chosen = ctx.queryParams("col").stream().filter(UiRoutes::isColumn).distinct().toList();
    // newest first is the store's own order, served from its index; named explicitly, the same search took
    // 34 ms instead of 1.5 for one row of 100,000 runs (UiRunsPageBench)
    List<String> orderBy = sort == null || sort.equals("attributes.start_time") && desc ? List.of()
        : List.of(orderKey(sort) + (desc ? " DESC" : " ASC"));
    List<Run> runs = List.of();
    String next = null;
    String error = null;
    int position = -1;
    try {
      Page<Run> page = store.searchRuns(List.of(experimentId), filter.isEmpty() ? null : filter,
          deleted ? ViewType.DELETED_ONLY : ViewType.ACTIVE_ONLY, pageSize, orderBy, token);
      runs = page.items();
      next = page.nextPageToken();
    } catch (CairnException e) {
      if (e.code() != ErrorCode.INVALID_PARAMETER_VALUE) {
        throw e;
      }
      error = e.getMessage(); // the page shows the filter's error beside the filter box, with the rest of the view
      Matcher m = POSITION.matcher(error);
      // only a filter's position is marked in the filter box (a sort or page token error names its own input)
      position = error.startsWith("Invalid filter") && m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
    TreeSet<String> available = new TreeSet<>(chosen);
    List<String> defaults = new ArrayList<>();
    for (Run r : runs) {
      for (Metric mt : r.metrics()) {
        available.add("metrics." + mt.key());
      }
      for (Param p : r.params()) {
        available.add("params." + p.key());
      }
      for (Tag t : r.tags()) {
        if (!t.key().startsWith("mlflow.") && !t.key().startsWith("cairn.")) {
          available.add("tags." + t.key());
        }
      }
    }
    if (ctx.queryParam("columns_set") == null && chosen.isEmpty()) {
      available.stream().filter(c -> c.startsWith("metrics.")).limit(DEFAULT_COLUMNS / 2).forEach(defaults::add);
      available.stream().filter(c -> c.startsWith("params.")).limit(DEFAULT_COLUMNS / 2).forEach(defaults::add);
      chosen = defaults;
    }
    if (sort != null && !sort.startsWith("attributes.") && !chosen.contains(sort)) {
      chosen = new ArrayList<>(chosen); // the sorted column is always shown
      chosen.add(sort);
    }
    render(ctx, "runs.jte", new RunsPage(experiment, filter, error, position, chosen, List.copyOf(available),
        sort, desc, pageSize, token, runs, next, deleted, Access.holdsOnExperiment(ctx, Role.EDITOR, experimentId),
        ctx.attribute(SignIn.CSRF_ATTRIBUTE)));
  }

  /**
   * Deletes or restores the ticked runs ({@code run_ids}, form fields) of the experiment in the address (where
   * {@code RouteRules} finds the experiment the editor role is needed on), then sends the browser back to the runs
   * view it came from. Every run must belong to that experiment; all are checked before any is changed.
   */
  private void deleteOrRestore(Context ctx, boolean delete) {
    String experimentId = required(ctx, "experiment_id");
    requireSameOrigin(ctx);
    store.getExperiment(experimentId);
    List<String> ids = ctx.formParams("run_ids").stream().map(String::strip).filter(id -> !id.isEmpty()).distinct()
        .toList();
    if (ids.isEmpty() || ids.size() > MAX_BULK_RUNS) {
      throw CairnException.invalid("run_ids has " + ids.size() + " runs; tick 1 to " + MAX_BULK_RUNS + " runs to "
          + (delete ? "delete" : "restore"));
    }
    for (String id : ids) {
      String owner = store.getRun(id).info().experimentId();
      if (!owner.equals(experimentId)) {
        throw CairnException.invalid("run " + id + " belongs to experiment " + owner + ", not to experiment "
            + experimentId + "; delete or restore runs from their own experiment's page");
      }
    }
    for (String id : ids) {
      if (delete) {
        store.deleteRun(id);
      } else {
        store.restoreRun(id);
      }
    }
    ctx.redirect(back(ctx.queryParam("back"), experimentId), HttpStatus.SEE_OTHER);
  }

  /**
   * Where a form returns to: only a runs view of this server ({@code /ui/runs?...}, nothing that a browser could
   * read as another host), else the experiment's runs page.
   */
  static String back(String back, String experimentId) {
    if (back == null || !back.startsWith(RUNS + "?") || back.length() > 8_000) {
      return UiViews.runsUrl(experimentId);
    }
    for (int i = 0; i < back.length(); i++) {
      char c = back.charAt(i);
      if (c == '\\' || c < 0x21 || c == 0x7f) {
        return UiViews.runsUrl(experimentId);
      }
    }
    return back;
  }

  /**
   * A form post that no session's CSRF token vouched for (authentication off, or credentials a browser may resend by
   * itself, like Basic) must come from this server's own pages: browsers say where a post comes from
   * ({@code Sec-Fetch-Site}, {@code Origin}), so another site's page cannot make a visitor's browser delete runs on
   * a loopback server. Clients that send neither header (scripts, curl) are not browsers being misled.
   */
  static void requireSameOrigin(Context ctx) {
    if (ctx.attribute(SignIn.CSRF_ATTRIBUTE) != null) {
      return; // SignIn checked the session's token already
    }
    String site = ctx.header("Sec-Fetch-Site");
    String origin = ctx.header("Origin");
    boolean foreign = site != null ? !site.equals("same-origin") && !site.equals("none")
        : origin != null && !origin.equals("http://" + ctx.host()) && !origin.equals("https://" + ctx.host());
    if (foreign) {
      throw new CairnException(ErrorCode.PERMISSION_DENIED, "this form post comes from another site (Origin "
          + origin + ", Sec-Fetch-Site " + site + "); delete and restore runs from this server's own runs page");
    }
  }

  private static boolean deletedView(Context ctx) {
    String view = text(ctx, "view");
    if (view.isEmpty() || view.equals("active")) {
      return false;
    }
    if (view.equals("deleted")) {
      return true;
    }
    throw CairnException.invalid("view '" + view + "' must be active or deleted");
  }

  private void run(Context ctx) {
    String runId = required(ctx, "run_id");
    Run run = store.getRun(runId);
    Experiment experiment = store.getExperiment(run.info().experimentId());
    List<Param> params = run.params().stream().sorted(Comparator.comparing(Param::key)).toList();
    List<Metric> all = run.metrics().stream().sorted(Comparator.comparing(Metric::key)).toList();
    List<Metric> metrics = all.stream().filter(m -> !ChartViews.isSystem(m.key())).toList();
    List<Metric> system = all.stream().filter(m -> ChartViews.isSystem(m.key())).toList();
    List<Tag> tags = new ArrayList<>();
    List<SourceTag> source = new ArrayList<>();
    Map<String, String> byKey = new LinkedHashMap<>();
    for (Tag t : run.tags()) {
      byKey.put(t.key(), t.value());
      if (!SOURCE_TAGS.containsKey(t.key()) && !t.key().startsWith("mlflow.")) {
        tags.add(t);
      }
    }
    tags.sort(Comparator.comparing(Tag::key));
    SOURCE_TAGS.forEach((key, label) -> {
      if (byKey.containsKey(key)) {
        source.add(new SourceTag(label, byKey.get(key)));
      }
    });
    String relative = ArtifactPaths.normalize(ctx.queryParam("path"));
    List<ArtifactLink> links = new ArrayList<>();
    String note = null;
    String base = ArtifactLocations.storePath(run.info().artifactUri(), artifacts.rootUri());
    if (base == null) {
      note = "This run stores its artifacts at " + run.info().artifactUri()
          + ", outside this server's artifact store.";
    } else {
      for (ArtifactStore.ArtifactEntry e : artifacts.list(ArtifactPaths.join(base, relative))) {
        links.add(UiViews.link(runId, relative, base, e));
      }
    }
    render(ctx, "run.jte", new RunPage(run, experiment, params, tags, metrics, source, run.inputs(), relative,
        links, note, system, controls(ctx)));
  }

  /** One file's preview; the path is checked as the run page's (no '..') and read from this server's store. */
  private void artifact(Context ctx) {
    String runId = required(ctx, "run_id");
    String relative = ArtifactPaths.normalize(required(ctx, "path"));
    Run run = store.getRun(runId);
    String base = ArtifactLocations.storePath(run.info().artifactUri(), artifacts.rootUri());
    if (base == null) {
      throw CairnException.invalid("run " + runId + " stores its artifacts at " + run.info().artifactUri()
          + ", outside this server's artifact store; no preview");
    }
    String full = ArtifactPaths.join(base, relative);
    ArtifactStore.StoredBlob blob = artifacts.stat(full);
    if (blob == null) {
      throw ArtifactStore.missing(relative);
    }
    String name = relative.substring(relative.lastIndexOf('/') + 1);
    render(ctx, "artifact.jte", new ArtifactPage(runId, relative, blob.size(), UiViews.downloadUrl(full),
        ArtifactPreview.of(artifacts, full, name)));
  }

  private void compare(Context ctx) {
    List<String> ids = ctx.queryParams("run_ids").stream().filter(s -> !s.isBlank()).distinct().toList();
    if (ids.size() < 2 || ids.size() > MAX_COMPARED) {
      throw CairnException.invalid("run_ids has " + ids.size() + " runs; compare 2 to " + MAX_COMPARED
          + " (tick them on an experiment's runs page)");
    }
    List<Run> runs = ids.stream().map(store::getRun).toList();
    TreeSet<String> params = new TreeSet<>();
    TreeSet<String> metrics = new TreeSet<>();
    for (Run r : runs) {
      r.params().forEach(p -> params.add(p.key()));
      r.metrics().forEach(m -> metrics.add(m.key()));
    }
    ComparePage plain = new ComparePage(runs, List.copyOf(params), List.copyOf(metrics), controls(ctx), null, null);
    String metric = choice(ctx, "scatter_metric", metrics,
        metrics.stream().filter(k -> !ChartViews.isSystem(k)).findFirst().orElse(metrics.isEmpty() ? null : metrics.first()));
    String param = choice(ctx, "scatter_param", params,
        params.stream().filter(plain::paramDiffers).findFirst().orElse(params.isEmpty() ? null : params.first()));
    String pcMetric = choice(ctx, "pc_metric", metrics, metric);
    render(ctx, "compare.jte", new ComparePage(runs, plain.paramKeys(), plain.metricKeys(), plain.controls(),
        metric == null || param == null ? null : ChartViews.scatter(runs, metric, param),
        pcMetric == null ? null : ChartViews.parallel(runs, plain.paramKeys(), pcMetric)));
  }

  private static ChartViews.ChartControls controls(Context ctx) {
    return ChartViews.ChartControls.of(ctx.queryParam("x"), ctx.queryParam("log"), ctx.queryParam("smooth"));
  }

  /** A key the compared runs have, picked in the URL; {@code fallback} when the URL names none. */
  private static String choice(Context ctx, String name, TreeSet<String> keys, String fallback) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    if (!keys.contains(v)) {
      throw CairnException.invalid(name + " '" + v + "' is not a key of the compared runs; they have "
          + String.join(", ", keys));
    }
    return v;
  }

  private static void asset(Context ctx) {
    Assets.Asset a = Assets.get(ctx.pathParam("name"));
    // URLs carry the content's hash (Assets.url), so a year of caching never serves a stale file
    ctx.header("Cache-Control", "public, max-age=31536000, immutable");
    ctx.contentType(a.contentType());
    ctx.result(a.bytes());
  }

  /** Renders a page with the UI's headers (the sign-in form uses it too). */
  public static void render(Context ctx, String template, Object page) {
    StringOutput out = new StringOutput();
    SignedIn.render(ctx, () -> TEMPLATES.render(template, page, out));
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
    // scripts only from this server, no inline script, no plugins: user content that escaped escaping still cannot run
    ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
        + " img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    ctx.html(out.toString());
  }

  static boolean isColumn(String c) {
    return RunsPage.ATTRIBUTES.contains(c)
        || (c.startsWith("metrics.") || c.startsWith("params.") || c.startsWith("tags.")) && c.indexOf('.') < c.length() - 1;
  }

  /** The order_by key of a column: keys other than plain words are quoted in backticks. */
  static String orderKey(String column) {
    int dot = column.indexOf('.');
    String kind = column.substring(0, dot);
    String key = column.substring(dot + 1);
    if (kind.equals("attributes") || key.matches("[A-Za-z0-9_]+")) {
      return column;
    }
    return kind + ".`" + key.replace("`", "``") + "`";
  }

  private static int pageSize(Context ctx) {
    return pageSize(ctx, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  }

  /** The {@code page_size} query parameter: {@code defaultSize} when absent, else a whole number 1 to {@code max}. */
  static int pageSize(Context ctx, int defaultSize, int max) {
    String text = ctx.queryParam("page_size");
    if (text == null || text.isBlank()) {
      return defaultSize;
    }
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw CairnException.invalid("page_size '" + text + "' must be a whole number from 1 to " + max);
  }

  /** A query parameter, stripped; empty when absent. */
  static String text(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null ? "" : v.strip();
  }

  /** A query parameter that must be there: INVALID_PARAMETER_VALUE naming it when absent or blank. */
  static String required(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      throw CairnException.invalid("query parameter " + name + " is missing");
    }
    return v;
  }
}
