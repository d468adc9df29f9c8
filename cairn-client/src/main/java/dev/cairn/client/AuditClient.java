package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditVerification;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log of a Cairn server, read over its REST API ({@code /api/cairn/v1/audit}): who changed what, when,
 * from where, in which request. Get one from {@link CairnClient#audit()}; instances are thread-safe.
 *
 * <pre>{@code
 * Page<AuditEvent> page = CairnClient.connect(uri).audit().list(
 *     new AuditClient.Filter("ada", "run:", null, null, null, true), 100, null);
 * }</pre>
 */
public final class AuditClient {
  static final String API = "/api/cairn/v1/audit";

  private final Http http;

  AuditClient(Http http) {
    this.http = http;
  }

  /**
   * What {@link #list} returns: each part optional (null). {@code targetPrefix} matches targets starting with it
   * ({@code model:churn}); {@code fromMs} and {@code toMs} bound the event time (epoch ms, inclusive).
   */
  public record Filter(String actor, String targetPrefix, String action, Long fromMs, Long toMs, boolean newestFirst) {}

  /** One page of events ({@code maxResults} 1 to 1000); pass the page's next token to get the following one. */
  public Page<AuditEvent> list(Filter filter, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("actor", filter.actor());
    query.put("target", filter.targetPrefix());
    query.put("action", filter.action());
    query.put("from", filter.fromMs() == null ? null : filter.fromMs().toString());
    query.put("to", filter.toMs() == null ? null : filter.toMs().toString());
    query.put("order", filter.newestFirst() ? "newest" : "oldest");
    query.put("max_results", Integer.toString(maxResults));
    query.put("page_token", pageToken);
    JsonNode answer = http.get(API, query);
    List<AuditEvent> events = new ArrayList<>();
    for (JsonNode e : answer.path("events")) {
      events.add(new AuditEvent(e.path("sequence").asLong(), e.path("time_ms").asLong(), text(e, "actor"),
          text(e, "action"), text(e, "target"), json(e, "before"), json(e, "after"), text(e, "request_id"),
          text(e, "source_address"), text(e, "previous_hash"), text(e, "hash")));
    }
    return new Page<>(events, text(answer, "next_page_token"));
  }

  /** Has the server check the whole hash chain and name the first bad event. */
  public AuditVerification verify() {
    JsonNode v = http.get(API + "/verify", Map.of());
    JsonNode bad = v.path("first_bad");
    return v.path("ok").asBoolean()
        ? AuditVerification.passed(v.path("checked").asLong())
        : AuditVerification.failed(v.path("checked").asLong(), bad.path("sequence").asLong(), text(bad, "reason"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The summary as the JSON text the server stored (rendered back from the answer's JSON value). */
  private static String json(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }
}
