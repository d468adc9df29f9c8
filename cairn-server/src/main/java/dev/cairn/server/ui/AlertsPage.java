package dev.cairn.server.ui;

import dev.cairn.core.CairnException;
import dev.cairn.serving.alerts.Alert;
import dev.cairn.serving.alerts.AlertStore;
import dev.cairn.serving.alerts.AlertStore.AlertQuery;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The alert history ({@code /ui/alerts}): firing alerts first, then resolved ones, newest first, 50 a page, filtered by
 * deployment, rule and state, as {@code GET /api/cairn/v1/alerts} lists them.
 */
public final class AlertsPage {
  static final String PATH = "/ui/alerts";
  static final int PAGE_SIZE = 50;

  /** What the page shows. */
  public record View(String deployment, String rule, String state, List<Alert> alerts, String nextPageToken) {
    public String nextUrl() {
      return nextPageToken == null ? null : PATH + "?deployment=" + UiViews.encode(deployment) + "&rule="
          + UiViews.encode(rule) + "&state=" + UiViews.encode(state) + "&page_token=" + UiViews.encode(nextPageToken);
    }

    public long firing() {
      return alerts.stream().filter(Alert::isFiring).count();
    }

    /** The figures of an alert as {@code name = value} pairs. */
    public static String figures(Alert a) {
      return a.figures().entrySet().stream().map(e -> e.getKey() + " = " + UiViews.number(e.getValue()))
          .collect(Collectors.joining(", "));
    }
  }

  private final AlertStore store;

  private AlertsPage(AlertStore store) {
    this.store = store;
  }

  public static void register(RoutesConfig routes, AlertStore store) {
    routes.get(PATH, UiRoutes.page(new AlertsPage(store)::show));
  }

  void show(Context ctx) {
    String deployment = UiRoutes.text(ctx, "deployment");
    String rule = UiRoutes.text(ctx, "rule");
    String state = UiRoutes.text(ctx, "state");
    if (!state.isEmpty() && !state.equals(Alert.FIRING) && !state.equals(Alert.RESOLVED)) {
      throw CairnException.invalid("parameter 'state' is '" + state + "'; it must be firing, resolved or empty");
    }
    Page<Alert> page = store.alerts(new AlertQuery(deployment.isEmpty() ? null : deployment,
        rule.isEmpty() ? null : rule, state.isEmpty() ? null : state, null, null, PAGE_SIZE,
        ctx.queryParam("page_token")));
    UiRoutes.render(ctx, "alerts.jte", new View(deployment, rule, state, page.items(), page.nextPageToken()));
  }
}
