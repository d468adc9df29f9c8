package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.tracking.Page;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alert rules and alerts on a Cairn server ({@code /api/cairn/v1/alert-rules}, {@code /api/cairn/v1/alerts}): rules in
 * the condition language over a deployment's monitor windows, and the alerts they fired. Get one from
 * {@link CairnClient#alerts()}; instances are thread-safe.
 *
 * <pre>{@code
 * AlertsClient alerts = CairnClient.connect(uri).alerts();
 * alerts.apply("rules.yaml", Files.readString(Path.of("rules.yaml")));
 * Page<AlertsClient.AlertInfo> firing = alerts.list(new AlertsClient.Filter(null, null, "firing", null, null), 100, null);
 * }</pre>
 */
public final class AlertsClient {
  static final String RULES = "/api/cairn/v1/alert-rules";
  static final String ALERTS = "/api/cairn/v1/alerts";

  private final Http http;

  AlertsClient(Http http) {
    this.http = http;
  }

  /** A rule as the server keeps it; {@code targets} lists {@code webhook} or {@code webhook (slack)}. */
  public record RuleInfo(String name, String deployment, String condition, int windowMinutes, String severity,
      List<String> targets, String description, String updatedBy, long updatedAt) {}

  /** What applying a rules file did to one rule: {@code created}, {@code updated} or {@code unchanged}. */
  public record RuleChange(String name, String change) {}

  /** One alert: firing, or resolved at {@code resolvedAt}. */
  public record AlertInfo(String id, String rule, String deployment, String modelName, String modelVersion,
      String severity, String state, String condition, long firedAt, Long resolvedAt, String detail) {}

  /** Which alerts {@link #list} returns; each part optional (null); the times bound the firing time (epoch ms). */
  public record Filter(String deployment, String rule, String state, Long fromMs, Long toMs) {}

  /** What an evaluation round changed. */
  public record Round(List<AlertInfo> fired, List<AlertInfo> resolved) {}

  /**
   * Creates or replaces every rule of a rules file ({@code fileName} names it in errors: file, line and key); rules
   * the file does not name are left alone.
   */
  public List<RuleChange> apply(String fileName, String yaml) {
    JsonNode answer = http.sendJson(HttpRequest.newBuilder(http.uri(RULES + "/apply", Map.of("file", fileName)))
        .timeout(Http.JSON_TIMEOUT)
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8)));
    List<RuleChange> out = new ArrayList<>();
    answer.path("changes").forEach(c -> out.add(new RuleChange(c.path("name").asText(), c.path("change").asText())));
    return out;
  }

  /** One page of rules by name ({@code maxResults} 1 to 1000). */
  public Page<RuleInfo> rules(int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("max_results", Integer.toString(maxResults));
    query.put("page_token", pageToken);
    JsonNode answer = http.get(RULES, query);
    List<RuleInfo> out = new ArrayList<>();
    for (JsonNode r : answer.path("rules")) {
      List<String> notify = new ArrayList<>();
      r.path("notify").forEach(t -> notify.add(t.path("webhook").asText()
          + ("slack".equals(t.path("format").asText()) ? " (slack)" : "")));
      out.add(new RuleInfo(text(r, "name"), text(r, "deployment"), text(r, "condition"), r.path("window_minutes").asInt(),
          text(r, "severity"), notify, text(r, "description"), text(r, "updated_by"),
          r.path("last_updated_timestamp").asLong()));
    }
    return new Page<>(out, text(answer, "next_page_token"));
  }

  /** Deletes a rule; its firing alerts resolve. */
  public void delete(String name) {
    http.send("DELETE", RULES + "/" + Http.encode(name), null);
  }

  /** One page of alerts, firing first, then newest first ({@code maxResults} 1 to 1000). */
  public Page<AlertInfo> list(Filter filter, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("deployment", filter.deployment());
    query.put("rule", filter.rule());
    query.put("state", filter.state());
    query.put("from", filter.fromMs() == null ? null : filter.fromMs().toString());
    query.put("to", filter.toMs() == null ? null : filter.toMs().toString());
    query.put("max_results", Integer.toString(maxResults));
    query.put("page_token", pageToken);
    JsonNode answer = http.get(ALERTS, query);
    return new Page<>(alerts(answer.path("alerts")), text(answer, "next_page_token"));
  }

  /**
   * Runs one evaluation round now; with {@code includeOpen} the windows still open are judged too, as if they had
   * closed now (to try a rule on fresh traffic).
   */
  public Round evaluate(boolean includeOpen) {
    JsonNode answer = http.post(ALERTS + "/evaluate", Http.READER.createObjectNode().put("include_open", includeOpen));
    return new Round(alerts(answer.path("fired")), alerts(answer.path("resolved")));
  }

  private static List<AlertInfo> alerts(JsonNode list) {
    List<AlertInfo> out = new ArrayList<>();
    for (JsonNode a : list) {
      out.add(new AlertInfo(text(a, "alert_id"), text(a, "rule"), text(a, "deployment"), text(a, "model_name"),
          text(a, "model_version"), text(a, "severity"), text(a, "state"), text(a, "condition"),
          a.path("fired_at").asLong(), a.hasNonNull("resolved_at") ? a.get("resolved_at").asLong() : null,
          text(a, "detail")));
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
