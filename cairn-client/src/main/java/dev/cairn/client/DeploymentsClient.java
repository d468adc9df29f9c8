package dev.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tracking.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deployments on a Cairn server ({@code /api/cairn/v1/deployments}): named, weighted routing of traffic to model
 * versions and aliases, with shadows and sticky keys. Get one from {@link CairnClient#deployments()}; instances are
 * thread-safe. Changes name the version they were based on and fail with {@code CONFLICT} when someone changed the
 * deployment since.
 *
 * <pre>{@code
 * DeploymentsClient d = CairnClient.connect(uri).deployments();
 * DeploymentInfo created = d.create("churn-api", null, List.of(new DeploymentInfo.Route("churn@champion", 90),
 *     new DeploymentInfo.Route("churn/3", 10)), List.of(), "header:X-User");
 * d.setRoutes("churn-api", created.version(), List.of(new DeploymentInfo.Route("churn@champion", 100)));
 * }</pre>
 */
public final class DeploymentsClient {
  static final String API = "/api/cairn/v1/deployments";

  private final Http http;

  DeploymentsClient(Http http) {
    this.http = http;
  }

  /** Creates a deployment; {@code description}, {@code shadows} and {@code sticky} may be null. */
  public DeploymentInfo create(String name, String description, List<DeploymentInfo.Route> routes,
      List<String> shadows, String sticky) {
    ObjectNode body = Http.READER.createObjectNode().put("name", name);
    if (description != null) {
      body.put("description", description);
    }
    putRoutes(body, routes);
    if (shadows != null) {
      ArrayNode s = body.putArray("shadows");
      shadows.forEach(s::add);
    }
    if (sticky != null) {
      body.put("sticky", sticky);
    }
    return deployment(http.post(API, body).path("deployment"));
  }

  /** One page of deployments by name ({@code maxResults} 1 to 1000). */
  public Page<DeploymentInfo> list(int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("max_results", Integer.toString(maxResults));
    query.put("page_token", pageToken);
    JsonNode answer = http.get(API, query);
    List<DeploymentInfo> out = new ArrayList<>();
    answer.path("deployments").forEach(d -> out.add(deployment(d)));
    return new Page<>(out, text(answer, "next_page_token"));
  }

  public DeploymentInfo get(String name) {
    return deployment(http.get(path(name), Map.of()).path("deployment"));
  }

  /**
   * Changes the parts given (null leaves a part as it is; an empty {@code sticky} removes the sticky key) if the
   * deployment is still at {@code expectedVersion}.
   */
  public DeploymentInfo update(String name, long expectedVersion, List<DeploymentInfo.Route> routes,
      List<String> shadows, String sticky, String description) {
    ObjectNode body = Http.READER.createObjectNode().put("expected_version", expectedVersion);
    if (routes != null) {
      putRoutes(body, routes);
    }
    if (shadows != null) {
      ArrayNode s = body.putArray("shadows");
      shadows.forEach(s::add);
    }
    if (sticky != null) {
      body.put("sticky", sticky);
    }
    if (description != null) {
      body.put("description", description);
    }
    return deployment(http.send("PATCH", path(name), body).path("deployment"));
  }

  /** Replaces the routes if the deployment is still at {@code expectedVersion}. */
  public DeploymentInfo setRoutes(String name, long expectedVersion, List<DeploymentInfo.Route> routes) {
    return update(name, expectedVersion, routes, null, null, null);
  }

  /** Deletes the deployment; with {@code expectedVersion} only if it is still at that version. */
  public void delete(String name, Long expectedVersion) {
    http.send("DELETE", path(name) + (expectedVersion == null ? "" : "?expected_version=" + expectedVersion), null);
  }

  /** The deployment's changes, newest first; kept after it is deleted. */
  public Page<DeploymentChangeInfo> history(String name, int maxResults, String pageToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("max_results", Integer.toString(maxResults));
    query.put("page_token", pageToken);
    JsonNode answer = http.get(path(name) + "/history", query);
    List<DeploymentChangeInfo> out = new ArrayList<>();
    for (JsonNode c : answer.path("changes")) {
      out.add(new DeploymentChangeInfo(name, c.path("seq").asLong(), text(c, "kind"), text(c, "actor"),
          c.path("timestamp").asLong(), c.hasNonNull("version") ? c.get("version").asLong() : null,
          jsonText(c, "before"), jsonText(c, "after")));
    }
    return new Page<>(out, text(answer, "next_page_token"));
  }

  /** Puts back the routing the deployment had after history entry {@code seq}, as a new version. */
  public DeploymentInfo rollback(String name, long seq, long expectedVersion) {
    ObjectNode body = Http.READER.createObjectNode().put("seq", seq).put("expected_version", expectedVersion);
    return deployment(http.post(path(name) + "/rollback", body).path("deployment"));
  }

  /** Starts a canary on the deployment; refused (INVALID_STATE) while another one runs. */
  public DeploymentInfo startCanary(String name, DeploymentInfo.CanaryStart start) {
    ObjectNode body = Http.READER.createObjectNode();
    if (start.target() != null) {
      body.put("target", start.target());
    }
    if (start.version() != null) {
      body.put("version", start.version());
    }
    if (start.percent() != null) {
      body.put("percent", start.percent());
    }
    if (start.steps() != null) {
      ArrayNode steps = body.putArray("steps");
      start.steps().forEach(steps::add);
    }
    body.put("until", start.until());
    if (start.forDuration() != null) {
      body.put("for", start.forDuration());
    }
    if (start.minRequests() != null) {
      body.put("min_requests", start.minRequests());
    }
    if (start.unknownTimeout() != null) {
      body.put("unknown_timeout", start.unknownTimeout());
    }
    return deployment(http.post(path(name) + "/canary", body).path("deployment"));
  }

  /** The deployment's canary (running or ended) and the server's latest check of it. */
  public DeploymentInfo.CanaryStatus canary(String name) {
    JsonNode answer = http.get(path(name) + "/canary", Map.of());
    JsonNode check = answer.path("last_check");
    return new DeploymentInfo.CanaryStatus(canary(answer.get("canary")), text(check, "verdict"), text(check, "detail"),
        check.hasNonNull("canary_requests") ? check.get("canary_requests").asLong() : null,
        check.hasNonNull("baseline_requests") ? check.get("baseline_requests").asLong() : null,
        check.hasNonNull("timestamp") ? check.get("timestamp").asLong() : null);
  }

  /** Stops the running canary: its traffic goes back to the stable routes. */
  public DeploymentInfo abortCanary(String name) {
    return deployment(http.post(path(name) + "/canary/abort", Http.READER.createObjectNode()).path("deployment"));
  }

  /** Promotes the running canary now (through a promotion request when the stable alias is protected). */
  public DeploymentInfo promoteCanary(String name) {
    return deployment(http.post(path(name) + "/canary/promote", Http.READER.createObjectNode()).path("deployment"));
  }

  private static DeploymentInfo.Canary canary(JsonNode c) {
    if (c == null || c.isNull() || c.isMissingNode()) {
      return null;
    }
    List<Integer> steps = new ArrayList<>();
    c.path("steps").forEach(s -> steps.add(s.asInt()));
    if (steps.isEmpty()) {
      steps.add(c.path("percent").asInt());
    }
    return new DeploymentInfo.Canary(text(c, "target"), c.path("percent").asInt(), text(c, "until"), text(c, "for"),
        text(c, "state"), steps, c.path("step").asInt(), text(c, "started_by"), text(c, "reason"),
        text(c, "promotion_request_id"));
  }

  private static void putRoutes(ObjectNode body, List<DeploymentInfo.Route> routes) {
    ArrayNode r = body.putArray("routes");
    routes.forEach(route -> r.addObject().put("target", route.target()).put("weight", route.weight()));
  }

  private static String path(String name) {
    return API + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static DeploymentInfo deployment(JsonNode d) {
    List<DeploymentInfo.Route> routes = new ArrayList<>();
    d.path("routes").forEach(r -> routes.add(new DeploymentInfo.Route(text(r, "target"), r.path("weight").asInt())));
    List<String> shadows = new ArrayList<>();
    d.path("shadows").forEach(s -> shadows.add(s.asText()));
    DeploymentInfo.Canary canary = canary(d.get("canary"));
    return new DeploymentInfo(text(d, "name"), text(d, "description"), routes, shadows, text(d, "sticky"), canary,
        d.path("version").asLong(), text(d, "created_by"), d.path("creation_timestamp").asLong(),
        text(d, "updated_by"), d.path("last_updated_timestamp").asLong());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String jsonText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.toString();
  }
}
