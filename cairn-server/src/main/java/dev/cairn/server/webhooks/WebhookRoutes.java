package dev.cairn.server.webhooks;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.server.mlflow.MlflowRoutes;
import dev.cairn.store.webhooks.Webhook;
import dev.cairn.store.webhooks.WebhookDelivery;
import dev.cairn.store.webhooks.WebhookDispatcher;
import dev.cairn.store.webhooks.WebhookEvents;
import dev.cairn.store.webhooks.WebhookSpec;
import dev.cairn.store.webhooks.WebhookStatus;
import dev.cairn.store.webhooks.WebhookStore;
import dev.cairn.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Webhook REST, all routes in one place. MLflow 3's webhook API (webhooks.proto), under both
 * {@link MlflowRoutes#PREFIXES}:
 * <pre>
 * POST   webhooks                      create {name, url, events, description?, secret?, status?}
 * GET    webhooks                      list (max_results, page_token)
 * GET    webhooks/{webhook_id}         get
 * PATCH  webhooks/{webhook_id}         update the fields given
 * DELETE webhooks/{webhook_id}         delete
 * POST   webhooks/{webhook_id}/test    send an example event now {event?}; answers {"result": {...}}
 * </pre>
 * and Cairn's delivery log: {@code GET /api/cairn/v1/webhooks/{webhook_id}/deliveries} (max_results, page_token),
 * newest first. Events are given as {@code "model_version.created"} or MLflow's {@code {"entity", "action"}} and
 * shown in MLflow's form. No answer ever carries the secret.
 */
public final class WebhookRoutes {
  /** The delivery log route. */
  public static final String DELIVERIES = "/api/cairn/v1/webhooks/{webhook_id}/deliveries";

  private final WebhookStore store;
  private final WebhookDispatcher dispatcher;

  private WebhookRoutes(WebhookStore store, WebhookDispatcher dispatcher) {
    this.store = store;
    this.dispatcher = dispatcher;
  }

  public static void register(RoutesConfig routes, WebhookStore store, WebhookDispatcher dispatcher) {
    WebhookRoutes r = new WebhookRoutes(store, dispatcher);
    for (String prefix : MlflowRoutes.PREFIXES) {
      routes.post(prefix + "webhooks", r::create);
      routes.get(prefix + "webhooks", r::list);
      routes.get(prefix + "webhooks/{webhook_id}", r::get);
      routes.patch(prefix + "webhooks/{webhook_id}", r::update);
      routes.delete(prefix + "webhooks/{webhook_id}", r::delete);
      routes.post(prefix + "webhooks/{webhook_id}/test", r::test);
    }
    routes.get(DELIVERIES, r::deliveries);
  }

  void create(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    WebhookSpec spec = spec(body);
    Responses.json(ctx, 200, wrap(store.create(spec)));
  }

  void list(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Page<Webhook> page = store.list(q.intValue("max_results", WebhookStore.DEFAULT_PAGE_SIZE, 1,
        WebhookStore.MAX_PAGE_SIZE), q.string("page_token"));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("webhooks");
    page.items().forEach(w -> items.add(json(w)));
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void get(Context ctx) {
    Responses.json(ctx, 200, wrap(store.get(ctx.pathParam("webhook_id"))));
  }

  void update(Context ctx) throws IOException {
    Responses.json(ctx, 200, wrap(store.update(ctx.pathParam("webhook_id"), spec(body(ctx)))));
  }

  void delete(Context ctx) {
    store.delete(ctx.pathParam("webhook_id"));
    Responses.json(ctx, 200, Json.MAPPER.createObjectNode());
  }

  void test(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    String event = body.has("event") ? event(body.get("event")) : null;
    WebhookDispatcher.TestResult result = dispatcher.test(ctx.pathParam("webhook_id"), event);
    ObjectNode out = Json.MAPPER.createObjectNode();
    ObjectNode r = out.putObject("result");
    r.put("success", result.success());
    if (result.responseStatus() != null) {
      r.put("response_status", result.responseStatus());
    }
    if (result.responseBody() != null) {
      r.put("response_body", result.responseBody());
    }
    if (result.errorMessage() != null) {
      r.put("error_message", result.errorMessage());
    }
    Responses.json(ctx, 200, out);
  }

  void deliveries(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    Page<WebhookDelivery> page = store.deliveries(ctx.pathParam("webhook_id"),
        q.intValue("max_results", WebhookStore.DEFAULT_PAGE_SIZE, 1, WebhookStore.MAX_PAGE_SIZE),
        q.string("page_token"));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("deliveries");
    for (WebhookDelivery d : page.items()) {
      ObjectNode o = items.addObject();
      o.put("delivery_id", d.id());
      o.put("webhook_id", d.webhookId());
      o.put("event", d.event());
      o.put("status", d.status().name());
      o.put("attempts", d.attempts());
      if (d.lastResponseCode() != null) {
        o.put("last_response_code", d.lastResponseCode());
      }
      if (d.lastError() != null) {
        o.put("last_error", d.lastError());
      }
      if (d.nextAttemptTime() != null) {
        o.put("next_attempt_timestamp", d.nextAttemptTime());
      }
      o.put("creation_timestamp", d.creationTime());
      o.put("last_updated_timestamp", d.lastUpdateTime());
      o.set("payload", parseStored(d.payload()));
    }
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  // ---- JSON in and out

  private static JsonNode body(Context ctx) throws IOException {
    byte[] bytes = ctx.req().getInputStream().readNBytes(RequestFields.MAX_JSON_BYTES + 1);
    if (bytes.length > RequestFields.MAX_JSON_BYTES) {
      throw CairnException.invalid("request body is larger than " + RequestFields.MAX_JSON_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw CairnException.invalid("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw CairnException.invalid("request body must be a JSON object");
    }
    return node;
  }

  private static WebhookSpec spec(JsonNode body) {
    List<String> events = null;
    JsonNode e = body.get("events");
    if (e != null && !e.isNull()) {
      if (!e.isArray()) {
        throw CairnException.invalid("field 'events' must be an array of events such as \"model_version.created\""
            + " or {\"entity\": \"MODEL_VERSION\", \"action\": \"CREATED\"}");
      }
      events = new ArrayList<>();
      for (JsonNode one : e) {
        events.add(event(one));
      }
    }
    String status = text(body, "status");
    return new WebhookSpec(text(body, "name"), text(body, "description"), text(body, "url"), events,
        text(body, "secret"), status == null ? null : WebhookStatus.parse(status));
  }

  private static String event(JsonNode node) {
    if (node.isTextual()) {
      return WebhookEvents.requireKnown(node.asText().toLowerCase(Locale.ROOT));
    }
    if (node.isObject()) {
      return WebhookEvents.of(text(node, "entity"), text(node, "action"));
    }
    throw CairnException.invalid("webhook event " + node + " must be a string or {\"entity\", \"action\"}");
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw CairnException.invalid("field '" + field + "' must be a string, got " + v.getNodeType());
    }
    return v.asText();
  }

  private static ObjectNode wrap(Webhook webhook) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("webhook", json(webhook));
    return out;
  }

  /** MLflow's Webhook message; the secret is never rendered. */
  static ObjectNode json(Webhook w) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("webhook_id", w.id());
    o.put("name", w.name());
    if (w.description() != null) {
      o.put("description", w.description());
    }
    o.put("url", w.url());
    ArrayNode events = o.putArray("events");
    for (String event : w.events()) {
      events.addObject()
          .put("entity", WebhookEvents.entity(event).toUpperCase(Locale.ROOT))
          .put("action", WebhookEvents.action(event).toUpperCase(Locale.ROOT));
    }
    o.put("status", w.status().name());
    o.put("creation_timestamp", w.creationTime());
    o.put("last_updated_timestamp", w.lastUpdateTime());
    return o;
  }

  private static JsonNode parseStored(String payload) {
    try {
      return Json.MAPPER.readTree(payload);
    } catch (JacksonException e) {
      return Json.MAPPER.getNodeFactory().textNode(payload);
    }
  }
}
