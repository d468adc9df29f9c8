package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.registry.PromotionRequest.Decision;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Four-eyes promotion of registry aliases on a Cairn server: protect an alias with a policy (admin), request a
 * promotion (editor), approve or reject it (approver, never the requester), roll an alias back (approver).
 * Get one from {@link CairnClient#promotions()}. Who acts is the client's authenticated user.
 */
public final class PromotionsClient {
  static final String PREFIX = "/api/cairn/v1/registry/";
  private final Http http;

  PromotionsClient(Http http) {
    this.http = http;
  }

  /** The result of an approval: the request after it, and whether this approval moved the alias. */
  public record Approval(PromotionRequest request, boolean applied) {}

  /** Protects {@code alias} of model {@code name}: it then moves only with {@code requiredApprovals} approvals. */
  public PromotionPolicy setPolicy(String name, String alias, int requiredApprovals) {
    JsonNode r = http.post(PREFIX + "policies/set", Wire.object().put("name", name).put("alias", alias)
        .put("required_approvals", requiredApprovals));
    return policy(r.path("policy"));
  }

  /** Lifts the protection; open requests for the alias are cancelled. */
  public void deletePolicy(String name, String alias) {
    http.post(PREFIX + "policies/delete", Wire.object().put("name", name).put("alias", alias));
  }

  public List<PromotionPolicy> policies(String name) {
    List<PromotionPolicy> out = new ArrayList<>();
    http.get(PREFIX + "policies", Map.of("name", name)).path("policies").forEach(p -> out.add(policy(p)));
    return out;
  }

  /** Asks to point a protected alias at {@code version}; the server attaches both versions' metrics as evidence. */
  public PromotionRequest request(String name, String alias, int version, String reason) {
    return request(http.post(PREFIX + "promotions/request", Wire.object().put("name", name).put("alias", alias)
        .put("version", Integer.toString(version)).put("reason", reason)).path("request"));
  }

  public PromotionRequest get(String requestId) {
    return request(http.get(PREFIX + "promotions/get", Map.of("request_id", requestId)).path("request"));
  }

  /** Requests, newest first; {@code name} and {@code status} may be null for all. */
  public Page<PromotionRequest> list(String name, PromotionRequest.Status status, int maxResults, String pageToken) {
    Map<String, String> query = new HashMap<>();
    query.put("name", name);
    query.put("status", status == null ? null : status.name().toLowerCase(Locale.ROOT));
    query.put("max_results", Integer.toString(maxResults));
    query.put("page_token", pageToken);
    JsonNode r = http.get(PREFIX + "promotions", query);
    List<PromotionRequest> items = new ArrayList<>();
    r.path("requests").forEach(n -> items.add(request(n)));
    return new Page<>(items, r.hasNonNull("next_page_token") ? r.get("next_page_token").asText() : null);
  }

  public Approval approve(String requestId, String comment) {
    JsonNode r = http.post(PREFIX + "promotions/approve", decision(requestId, comment));
    return new Approval(request(r.path("request")), r.path("applied").asBoolean());
  }

  public PromotionRequest reject(String requestId, String comment) {
    return request(http.post(PREFIX + "promotions/reject", decision(requestId, comment)).path("request"));
  }

  /** Withdraws a request the caller made. */
  public PromotionRequest cancel(String requestId) {
    return request(http.post(PREFIX + "promotions/cancel", Wire.object().put("request_id", requestId)).path("request"));
  }

  /** Returns the alias to the version that held it before its latest move. */
  public AliasChange rollback(String name, String alias, String reason) {
    ObjectNode body = Wire.object().put("name", name).put("alias", alias);
    if (reason != null) {
      body.put("reason", reason);
    }
    return change(http.post(PREFIX + "aliases/rollback", body).path("change"));
  }

  /** The alias's moves, newest first. */
  public List<AliasChange> history(String name, String alias) {
    List<AliasChange> out = new ArrayList<>();
    http.get(PREFIX + "aliases/history", Map.of("name", name, "alias", alias)).path("changes")
        .forEach(n -> out.add(change(n)));
    return out;
  }

  private static ObjectNode decision(String requestId, String comment) {
    ObjectNode body = Wire.object().put("request_id", requestId);
    if (comment != null) {
      body.put("comment", comment);
    }
    return body;
  }

  static PromotionPolicy policy(JsonNode n) {
    return new PromotionPolicy(n.path("name").asText(), n.path("alias").asText(), n.path("required_approvals").asInt(),
        text(n, "updated_by"), n.path("updated_time").asLong());
  }

  static PromotionRequest request(JsonNode n) {
    List<Decision> decisions = new ArrayList<>();
    for (JsonNode d : n.path("decisions")) {
      decisions.add(new Decision(d.path("actor").asText(), PromotionRequest.Verdict.valueOf(d.path("verdict").asText()),
          text(d, "comment"), d.path("time").asLong()));
    }
    return new PromotionRequest(n.path("request_id").asText(), n.path("name").asText(), n.path("alias").asText(),
        n.path("version").asInt(), integer(n, "current_version"), n.path("requester").asText(), text(n, "reason"),
        n.has("evidence") ? n.get("evidence").toString() : null, n.path("required_approvals").asInt(),
        PromotionRequest.Status.valueOf(n.path("status").asText()), decisions, n.path("created_time").asLong(),
        n.hasNonNull("decided_time") ? n.get("decided_time").asLong() : null, integer(n, "previous_version"));
  }

  static AliasChange change(JsonNode n) {
    return new AliasChange(n.path("name").asText(), n.path("alias").asText(), n.path("sequence").asLong(),
        integer(n, "from_version"), integer(n, "to_version"), text(n, "actor"),
        AliasChange.Kind.valueOf(n.path("kind").asText()), text(n, "request_id"), text(n, "reason"),
        n.path("time").asLong());
  }

  private static Integer integer(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asInt() : null;
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }
}
