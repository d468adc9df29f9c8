package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelVersion;
import dev.cairn.server.ui.DeploymentViews.ChangeView;
import dev.cairn.server.ui.DeploymentViews.DeploymentPage;
import dev.cairn.server.ui.DeploymentViews.DeploymentRow;
import dev.cairn.server.ui.DeploymentViews.ListPage;
import dev.cairn.server.ui.DeploymentViews.Range;
import dev.cairn.server.ui.DeploymentViews.TargetView;
import dev.cairn.serving.deploy.Deployment;
import dev.cairn.serving.deploy.DeploymentChange;
import dev.cairn.serving.deploy.DeploymentRouting;
import dev.cairn.serving.deploy.DeploymentStore;
import dev.cairn.serving.deploy.Route;
import dev.cairn.serving.deploy.Target;
import dev.cairn.serving.monitor.MonitorService;
import dev.cairn.serving.monitor.MonitorWindow;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The serving pages, all routes in one place; both need a global viewer grant, like the deployments API:
 * <pre>
 * GET /ui/deployments                        deployments by name: routes with the versions they resolve to now,
 *                                            shadows, canary, last change (page_token)
 * GET /ui/deployments?model=M&amp;version=N     those whose routes, shadows or canary resolve to version N of M
 * GET /ui/deployment?name=D                  one deployment: routing, change history (history_token) and its monitor
 *                                            windows as charts and tables (range=1h|6h|24h|7d|30d, window_minutes;
 *                                            refresh=SECONDS reloads the page that often)
 * </pre>
 */
public final class DeploymentPages {
  public static final String DEPLOYMENTS = "/ui/deployments";
  public static final String DEPLOYMENT = "/ui/deployment";
  static final int LIST_PAGE_SIZE = 100;
  static final int HISTORY_PAGE_SIZE = 20;
  /** Most windows one page draws: enough for a month of hours, small enough for a quick page. */
  static final int MAX_WINDOWS = 1000;
  /** Deployments read when filtering by a model version: all of them, in pages of the store's largest. */
  static final int MAX_SCANNED = 100_000;
  static final int MIN_REFRESH_SECONDS = 10;
  static final int MAX_REFRESH_SECONDS = 3600;

  private final DeploymentStore deployments;
  private final ModelRegistryStore registry;
  private final MonitorService monitors;
  private final LongSupplier clock;

  private DeploymentPages(DeploymentStore deployments, ModelRegistryStore registry, MonitorService monitors,
      LongSupplier clock) {
    this.deployments = deployments;
    this.registry = registry;
    this.monitors = monitors;
    this.clock = clock;
  }

  public static void register(RoutesConfig routes, DeploymentStore deployments, ModelRegistryStore registry,
      MonitorService monitors) {
    DeploymentPages p = new DeploymentPages(deployments, registry, monitors, System::currentTimeMillis);
    routes.get(DEPLOYMENTS, UiRoutes.page(p::list));
    routes.get(DEPLOYMENT, UiRoutes.page(p::deployment));
  }

  private void list(Context ctx) {
    String model = UiRoutes.text(ctx, "model");
    String versionText = UiRoutes.text(ctx, "version");
    if (model.isEmpty() != versionText.isEmpty()) {
      throw CairnException.invalid("query parameters model and version go together: both name a model version"
          + " (model=churn&version=3), or neither lists every deployment");
    }
    List<DeploymentRow> rows = new ArrayList<>();
    String token = ctx.queryParam("page_token");
    String next = null;
    if (model.isEmpty()) {
      Page<Deployment> page = deployments.list(LIST_PAGE_SIZE, token);
      page.items().forEach(d -> rows.add(row(d)));
      next = page.nextPageToken();
      UiRoutes.render(ctx, "deployments.jte", new ListPage(rows, null, null, token, next));
      return;
    }
    int version = ModelPages.versionNumber(versionText);
    // which deployments serve a version is known only by resolving their aliases now: read them all
    String scan = null;
    int read = 0;
    do {
      Page<Deployment> page = deployments.list(DeploymentStore.MAX_PAGE_SIZE, scan);
      for (Deployment d : page.items()) {
        DeploymentRow r = row(d);
        if (r.serves(model, version)) {
          rows.add(r);
        }
      }
      read += page.items().size();
      scan = page.nextPageToken();
    } while (scan != null && read < MAX_SCANNED);
    UiRoutes.render(ctx, "deployments.jte", new ListPage(rows, model, version, null, null));
  }

  private void deployment(Context ctx) {
    String name = UiRoutes.required(ctx, "name");
    Deployment d = deployments.get(name);
    Range range = range(ctx);
    Page<DeploymentChange> history = deployments.history(name, HISTORY_PAGE_SIZE, ctx.queryParam("history_token"));
    List<ChangeView> changes = history.items().stream()
        .map(c -> new ChangeView(c, DeploymentViews.routing(c.after()))).toList();
    DeploymentViews.Monitor monitor;
    try {
      List<MonitorWindow> windows = monitors.windows(name, range.fromMs(), range.toMs(), range.windowMinutes());
      monitor = DeploymentViews.monitor(range, windows);
    } catch (CairnException e) {
      if (e.code() == ErrorCode.INTERNAL_ERROR) {
        throw e;
      }
      // a version whose bundle is gone must not hide the routing and history that show what happened to it
      monitor = DeploymentViews.Monitor.failed(range, e.getMessage());
    }
    UiRoutes.render(ctx, "deployment.jte", new DeploymentPage(row(d), changes, history.nextPageToken(), monitor));
  }

  /** The span ending now ({@code range}, default 24h) in windows of {@code window_minutes} (default by span). */
  private Range range(Context ctx) {
    String span = UiRoutes.text(ctx, "range");
    span = span.isEmpty() ? "24h" : span;
    int[] spec = Range.SPANS.get(span);
    if (spec == null) {
      throw CairnException.invalid("range '" + span + "' must be one of " + String.join(", ", Range.SPANS.keySet()));
    }
    int minutes = spec[1];
    String w = UiRoutes.text(ctx, "window_minutes");
    if (!w.isEmpty()) {
      try {
        minutes = Integer.parseInt(w);
      } catch (NumberFormatException e) {
        minutes = 0; // refused below
      }
      if (minutes < 1 || minutes > spec[0] || spec[0] / minutes > MAX_WINDOWS) {
        throw CairnException.invalid("window_minutes '" + w + "' must be a whole number of minutes from "
            + Math.max(1, (spec[0] + MAX_WINDOWS - 1) / MAX_WINDOWS) + " to " + spec[0] + " for range " + span
            + " (at most " + MAX_WINDOWS + " windows)");
      }
    }
    long width = minutes * 60_000L;
    // windows on multiples of their width, so consecutive views share the closed windows MonitorService stored
    long to = clock.getAsLong();
    long end = (to / width + 1) * width;
    long from = end - (long) Math.ceil((double) spec[0] / minutes) * width;
    return new Range(span, minutes, from, end, refresh(ctx));
  }

  /** The {@code refresh} query parameter: absent for none, else seconds from 10 to 3600. */
  private static int refresh(Context ctx) {
    String text = UiRoutes.text(ctx, "refresh");
    if (text.isEmpty()) {
      return 0;
    }
    try {
      int seconds = Integer.parseInt(text);
      if (seconds >= MIN_REFRESH_SECONDS && seconds <= MAX_REFRESH_SECONDS) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw CairnException.invalid("refresh '" + text + "' must be a whole number of seconds from " + MIN_REFRESH_SECONDS
        + " to " + MAX_REFRESH_SECONDS);
  }

  private DeploymentRow row(Deployment d) {
    List<TargetView> routes = new ArrayList<>();
    for (Route r : d.spec().routes()) {
      routes.add(resolve(r.target(), r.weight()));
    }
    List<TargetView> shadows = d.spec().shadows().stream().map(t -> resolve(t, null)).toList();
    TargetView canary = d.spec().canary() == null ? null : resolve(d.spec().canary().target(), d.spec().canary().percent());
    return new DeploymentRow(d, routes, shadows, canary);
  }

  private TargetView resolve(Target t, Integer weight) {
    try {
      ModelVersion v = DeploymentRouting.lookUp(registry, t);
      return new TargetView(t.toString(), weight, v.name(), v.version(), null);
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
        throw e;
      }
      return new TargetView(t.toString(), weight, t.model(), null, e.getMessage());
    }
  }
}
