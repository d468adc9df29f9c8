package dev.cairn.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditVerification;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.server.http.RequestFields;
import dev.cairn.server.http.Responses;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.tracking.Page;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;

/**
 * Cairn REST for the audit log, read-only (no route changes or removes an event):
 * <pre>
 * GET /api/cairn/v1/audit         events, newest first: actor, target (prefix), action, from and to (epoch ms,
 *                                 inclusive), order (newest|oldest), max_results (1..1000, default 100), page_token
 * GET /api/cairn/v1/audit/verify  checks the hash chain: {"ok", "checked", "first_bad": {"sequence", "reason"}}
 * </pre>
 */
public final class AuditRoutes {
  public static final String PREFIX = "/api/cairn/v1/audit";
  static final int DEFAULT_MAX_RESULTS = 100;

  private final AuditLog log;

  private AuditRoutes(AuditLog log) {
    this.log = log;
  }

  public static void register(JavalinDefaultRoutingApi routes, AuditLog log) {
    AuditRoutes r = new AuditRoutes(log);
    routes.get(PREFIX, r::search);
    routes.get(PREFIX + "/verify", r::verify);
  }

  void search(Context ctx) {
    RequestFields q = RequestFields.ofQuery(ctx.queryParamMap());
    String order = q.string("order");
    if (order != null && !order.equals("newest") && !order.equals("oldest")) {
      throw CairnException.invalid("order '" + order + "' is unknown; use newest or oldest");
    }
    Page<AuditEvent> page = log.search(new AuditLog.Query(blankToNull(q.string("actor")),
        blankToNull(q.string("target")), blankToNull(q.string("action")), q.longValue("from"), q.longValue("to"),
        !"oldest".equals(order), q.intValue("max_results", DEFAULT_MAX_RESULTS, 1, AuditLog.MAX_RESULTS),
        q.string("page_token")));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ArrayNode events = out.putArray("events");
    for (AuditEvent e : page.items()) {
      events.add(json(e));
    }
    if (page.nextPageToken() != null) {
      out.put("next_page_token", page.nextPageToken());
    }
    Responses.json(ctx, 200, out);
  }

  void verify(Context ctx) {
    AuditVerification v = log.verify();
    ObjectNode out = JsonNodeFactory.instance.objectNode().put("ok", v.ok()).put("checked", v.checked());
    if (v.firstBad() != null) {
      out.putObject("first_bad").put("sequence", v.firstBad().sequence()).put("reason", v.firstBad().reason());
    }
    Responses.json(ctx, 200, out);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The REST form of one event (the CLI prints the same with --json). */
  public static ObjectNode json(AuditEvent e) {
    ObjectNode n = JsonNodeFactory.instance.objectNode()
        .put("sequence", e.sequence())
        .put("time_ms", e.timeMs())
        .put("actor", e.actor())
        .put("action", e.action());
    putIfPresent(n, "target", e.target());
    putSummary(n, "before", e.before());
    putSummary(n, "after", e.after());
    putIfPresent(n, "request_id", e.requestId());
    putIfPresent(n, "source_address", e.sourceAddress());
    return n.put("previous_hash", e.previousHash()).put("hash", e.hash());
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  /** A summary is JSON text as the store wrote it: rendered as JSON, or as text if someone stored otherwise. */
  private static void putSummary(ObjectNode n, String field, String text) {
    if (text == null) {
      return;
    }
    try {
      JsonNode parsed = Json.MAPPER.readTree(text);
      n.set(field, parsed);
    } catch (IOException e) {
      n.put(field, text);
    }
  }
}
