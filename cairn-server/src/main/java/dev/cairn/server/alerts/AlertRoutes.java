package dev.cairn.server.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.serving.alerts.Alert;
import dev.cairn.serving.alerts.AlertEvaluator;
import dev.cairn.serving.alerts.AlertNotices;
import dev.cairn.serving.alerts.AlertRule;
import dev.cairn.serving.alerts.AlertRule.NotifyTarget;
import dev.cairn.serving.alerts.AlertRulesYaml;
import dev.cairn.serving.alerts.AlertStore;
import dev.cairn.serving.alerts.AlertStore.AlertQuery;
import dev.cairn.serving.alerts.AlertStore.Saved;
import dev.cairn.serving.alerts.AlertStore.StoredRule;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Alert rules and alerts, all routes in one place:
 * <pre>
 * POST   /api/cairn/v1/alert-rules               create {name, deployment?, condition, window_minutes?, severity?,
 *                                                 notify?: [{webhook, format?}], description?}
 * GET    /api/cairn/v1/alert-rules               list (max_results, page_token)
 * POST   /api/cairn/v1/alert-rules/apply         create or replace every rule of a rules file (YAML body; file? in the
 *                                                 query names it in errors); answers what changed per rule
 * GET    /api/cairn/v1/alert-rules/{name}        get
 * PUT    /api/cairn/v1/alert-rules/{name}        create or replace (the body's fields as for create; no name needed)
 * DELETE /api/cairn/v1/alert-rules/{name}        delete (its firing alerts resolve)
 * GET    /api/cairn/v1/alerts                    list, firing first, newest first (deployment?, rule?, state?, from?,
 *                                                 to? on the firing time, max_results, page_token)
 * GET    /api/cairn/v1/alerts/{alert_id}         get
 * POST   /api/cairn/v1/alerts/evaluate           run one evaluation round now {include_open?: also judge the window
 *                                                 still open, as if it had closed now}
 * </pre>
 */
public final class AlertRoutes {
  public static final String RULES = "/api/cairn/v1/alert-rules";
  public static final String ALERTS = "/api/cairn/v1/alerts";
  /** The largest rules file {@code apply} reads. */
  public static final int MAX_YAML_BYTES = 1 << 20;

  private final AlertStore store;
  private final AlertEvaluator evaluator;

  private AlertRoutes(AlertStore store, AlertEvaluator evaluator) {
    this.store = store;
    this.evaluator = evaluator;
  }

  public static void register(RoutesConfig routes, AlertStore store, AlertEvaluator evaluator) {
    AlertRoutes r = new AlertRoutes(store, evaluator);
    routes.post(RULES, r::create);
    routes.get(RULES, r::listRules);
    routes.post(RULES + "/apply", r::apply);
    routes.get(RULES + "/{name}", r::getRule);
    routes.put(RULES + "/{name}", r::put);
    routes.delete(RULES + "/{name}", r::delete);
    routes.get(ALERTS, r::listAlerts);
    routes.post(ALERTS + "/evaluate", r::evaluate);
    routes.get(ALERTS + "/{alert_id}", r::getAlert);
  }

  void create(Context ctx) {
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    StoredRule created = store.create(rule(f, f.requiredString("name")));
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("rule", json(created));
    Responses.json(ctx, 200, out);
  }

  void put(Context ctx) {
    RequestFields f = RequestFields.ofJsonBody(ctx.bodyInputStream());
    String name = ctx.pathParam("name");
    String given = f.string("name");
    if (given != null && !given.equals(name)) {
      throw CairnException.invalid("field 'name' is '" + given + "' but the address names rule '" + name + "'");
    }
    Responses.json(ctx, 200, saved(store.put(rule(f, name))));
  }

  void apply(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length > MAX_YAML_BYTES) {
      throw CairnException.invalid("the rules file has " + body.length + " bytes; the limit is " + MAX_YAML_BYTES);
    }
    String file = ctx.queryParam("file");
    List<AlertRule> rules = AlertRulesYaml.parse(file == null || file.isBlank() ? "the request body" : file,
        new String(body, StandardCharsets.UTF_8));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode changes = out.putArray("changes");
    for (AlertRule rule : rules) {
      changes.add(saved(store.put(rule)));
    }
    Responses.json(ctx, 200, out);
  }

  void listRules(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Page<StoredRule> page = store.rules(q.intValue("max_results", AlertStore.DEFAULT_PAGE_SIZE, 1,
        AlertStore.MAX_PAGE_SIZE), q.string("page_token"));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("rules");
    page.items().forEach(r -> items.add(json(r)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void getRule(Context ctx) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("rule", json(store.get(ctx.pathParam("name"))));
    Responses.json(ctx, 200, out);
  }

  void delete(Context ctx) {
    store.delete(ctx.pathParam("name"));
    Responses.json(ctx, 200, Json.MAPPER.createObjectNode());
  }

  void listAlerts(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Page<Alert> page = store.alerts(new AlertQuery(q.string("deployment"), q.string("rule"), q.string("state"),
        q.longValue("from"), q.longValue("to"), q.intValue("max_results", AlertStore.DEFAULT_PAGE_SIZE, 1,
            AlertStore.MAX_PAGE_SIZE), q.string("page_token")));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("alerts");
    page.items().forEach(a -> items.add(AlertNotices.data(a)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void getAlert(Context ctx) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("alert", AlertNotices.data(store.alert(ctx.pathParam("alert_id"))));
    Responses.json(ctx, 200, out);
  }

  void evaluate(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    boolean includeOpen = "true".equals(ctx.queryParam("include_open"));
    if (body.length > 0) {
      com.fasterxml.jackson.databind.JsonNode given = RequestFields.ofJsonBody(new java.io.ByteArrayInputStream(body))
          .raw("include_open");
      if (given != null && !given.isNull() && !given.isBoolean()) {
        throw CairnException.invalid("field 'include_open' is " + given + "; it must be true or false");
      }
      includeOpen = includeOpen || (given != null && given.asBoolean());
    }
    AlertEvaluator.Round round = evaluator.evaluate(System.currentTimeMillis(), includeOpen);
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode fired = out.putArray("fired");
    round.fired().forEach(a -> fired.add(AlertNotices.data(a)));
    ArrayNode resolved = out.putArray("resolved");
    round.resolved().forEach(a -> resolved.add(AlertNotices.data(a)));
    Responses.json(ctx, 200, out);
  }

  private static AlertRule rule(RequestFields f, String name) {
    List<NotifyTarget> targets = new ArrayList<>();
    List<RequestFields> notify = f.objects("notify");
    if (notify != null) {
      for (RequestFields t : notify) {
        targets.add(new NotifyTarget(t.string("webhook"), t.string("format")));
      }
    }
    String condition = f.string("condition");
    if (condition == null) {
      throw CairnException.invalid("field 'condition' is missing; write e.g. 'drift_share > 0.3'");
    }
    return new AlertRule(name, f.string("deployment"), condition, f.intValue("window_minutes", 60, 1,
        AlertRule.MAX_WINDOW_MINUTES), f.string("severity"), targets, f.string("description"));
  }

  private static ObjectNode saved(Saved s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", s.rule().rule().name());
    o.put("change", s.change().name().toLowerCase(Locale.ROOT));
    o.set("rule", json(s.rule()));
    return o;
  }

  /** A rule as every answer shows it. */
  static ObjectNode json(StoredRule s) {
    AlertRule r = s.rule();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("name", r.name());
    o.put("deployment", r.deployment());
    o.put("condition", r.condition());
    o.put("window_minutes", r.windowMinutes());
    o.put("severity", r.severity());
    ArrayNode targets = o.putArray("notify");
    r.targets().forEach(t -> targets.addObject().put("webhook", t.webhook()).put("format", t.format()));
    if (r.description() != null) {
      o.put("description", r.description());
    }
    o.put("created_by", s.createdBy());
    o.put("creation_timestamp", s.createdAt());
    o.put("updated_by", s.updatedBy());
    o.put("last_updated_timestamp", s.updatedAt());
    return o;
  }
}
