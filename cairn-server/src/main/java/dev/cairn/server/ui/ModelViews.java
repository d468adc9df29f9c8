package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.data.version.DatasetRef;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageGraph.Edge;
import dev.cairn.lineage.LineageGraph.Node;
import dev.cairn.registry.AliasChange;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.PromotionPolicy;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.registry.RegisteredModel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What the registry and governance pages show, and their URLs (model names may hold '/', so they go in the query). */
public final class ModelViews {
  private ModelViews() {}

  public static String modelUrl(String name) {
    return ModelPages.MODEL + "?name=" + encode(name);
  }

  public static String runUrl(String runId) {
    return UiRoutes.RUN + "?run_id=" + encode(runId);
  }

  public static String lineageUrl(String name, int version) {
    return ModelPages.LINEAGE + "?name=" + encode(name) + "&version=" + version;
  }

  /** A version's page, with the evaluation registered with it. */
  public static String versionUrl(String name, int version) {
    return EvaluationPage.url(name, version);
  }

  public static String promotionsUrl(String name) {
    return ModelPages.PROMOTIONS + (name == null || name.isEmpty() ? "" : "?name=" + encode(name));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The model list: registered models matching the search box, newest update first. */
  public record ModelsPage(String q, List<RegisteredModel> models, String nextPageToken) {}

  /** One model: its versions (newest first), aliases, protected aliases and each alias's moves. */
  public record ModelPage(RegisteredModel model, List<ModelVersion> versions, String nextPageToken,
      List<PromotionPolicy> policies, List<AliasChange> history, VersionMetrics metrics) {}

  /** The versions table's metric columns and each source run's latest values (by run id). */
  public record VersionMetrics(List<String> keys, Map<String, Map<String, Double>> byRun) {
    /** The value shown for a version's run under {@code key}, or empty. */
    public String value(String runId, String key) {
      Double v = runId == null ? null : byRun.getOrDefault(runId, Map.of()).get(key);
      return v == null ? "" : UiViews.number(v);
    }
  }

  /** One metric compared between the candidate version and the alias's current holder (null where absent). */
  public record EvidenceRow(String key, Double candidate, Double current) {}

  /** A promotion request with its evidence table and whether the viewer may decide it from this page. */
  public record RequestView(PromotionRequest request, Integer candidateVersion, Integer currentVersion,
      List<EvidenceRow> evidence, boolean canDecide) {}

  /**
   * The promotions page: requests, pending first, optionally of one model. The pending and the closed requests are
   * paged apart ({@code pending_token}, {@code closed_token}, {@code page_size} each), so paging through the history
   * keeps the waiting requests on top.
   */
  public record PromotionsPage(String name, List<RequestView> requests, String csrf, int pageSize,
      String pendingToken, String pendingNext, String closedToken, String closedNext) {
    public String olderPendingUrl() {
      return pendingNext == null ? null : url(pendingNext, closedToken);
    }

    public String newerPendingUrl() {
      String previous = UiViews.previousToken(pendingToken, pageSize);
      return previous == null ? null : url(previous, closedToken);
    }

    public String olderClosedUrl() {
      return closedNext == null ? null : url(pendingToken, closedNext);
    }

    public String newerClosedUrl() {
      String previous = UiViews.previousToken(closedToken, pageSize);
      return previous == null ? null : url(pendingToken, previous);
    }

    private String url(String pending, String closed) {
      StringBuilder b = new StringBuilder(ModelPages.PROMOTIONS + "?name=" + encode(name));
      if (pageSize != ModelPages.REQUESTS_SHOWN) {
        b.append("&page_size=").append(pageSize);
      }
      if (pending != null && !pending.isEmpty()) {
        b.append("&pending_token=").append(encode(pending));
      }
      if (closed != null && !closed.isEmpty()) {
        b.append("&closed_token=").append(encode(closed));
      }
      return b.toString();
    }
  }

  /** Reads the evidence the promotion API stored ({"candidate":{"metrics":{}},"current":{...}}) as table rows. */
  static List<EvidenceRow> evidence(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (Exception e) {
      return List.of(); // stored as plain text by an older build: nothing to tabulate
    }
    JsonNode candidate = root.path("candidate").path("metrics");
    JsonNode current = root.path("current").path("metrics");
    TreeSet<String> keys = new TreeSet<>();
    candidate.fieldNames().forEachRemaining(keys::add);
    current.fieldNames().forEachRemaining(keys::add);
    List<EvidenceRow> rows = new ArrayList<>();
    for (String k : keys) {
      rows.add(new EvidenceRow(k, value(candidate.get(k)), value(current.get(k))));
    }
    return rows;
  }

  static Integer version(String json, String side) {
    if (json == null) {
      return null;
    }
    try {
      JsonNode v = Json.MAPPER.readTree(json).path(side).path("version");
      return v.isNumber() ? v.asInt() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static Double value(JsonNode n) {
    return n == null || !n.isNumber() ? null : n.asDouble();
  }

  /** A metric value for a table cell; empty when the side has none. */
  public static String metric(Double v) {
    return v == null ? "" : UiViews.number(v);
  }

  /** The aliases of a version, comma separated. */
  public static String joined(List<String> items) {
    StringBuilder b = new StringBuilder();
    for (Iterator<String> it = items.iterator(); it.hasNext();) {
      b.append(it.next()).append(it.hasNext() ? ", " : "");
    }
    return b.toString();
  }

  /** An alias move's versions as "3 → 4", "– → 1" or "2 → –". */
  public static String move(AliasChange c) {
    return (c.fromVersion() == null ? "–" : c.fromVersion().toString()) + " → "
        + (c.toVersion() == null ? "–" : c.toVersion().toString());
  }

  /** An enum constant as a label or CSS class: lower case in every locale. */
  public static String label(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The lineage page: a model version and what it was made from, drawn as a graph and listed as a tree. */
  public record LineagePage(String name, int version, TreeNode root, LineageLayout.Drawing drawing) {}

  /**
   * One node of the lineage tree with the nodes it was made from below it.
   *
   * @param relation how this node led to its parent (input to, produced, registered as); null at the root
   * @param url the node's page, or null when the UI has none (a logged model, a dataset from elsewhere)
   */
  public record TreeNode(Node node, String relation, String detail, String url, List<TreeNode> children) {
    public String kind() {
      return node.kind().label();
    }
  }

  /** The graph as a tree upstream from {@code rootId}: each node's children are the nodes with an edge into it. */
  static TreeNode tree(LineageGraph graph, String rootId) {
    Map<String, Node> nodes = new java.util.HashMap<>();
    graph.nodes().forEach(n -> nodes.put(n.id(), n));
    return tree(graph, nodes, nodes.get(rootId), null, new HashSet<>());
  }

  private static TreeNode tree(LineageGraph graph, Map<String, Node> nodes, Node node, Edge via, Set<String> path) {
    List<TreeNode> children = new ArrayList<>();
    path.add(node.id());
    for (Edge e : graph.edges()) {
      // a node already on the path to the root would loop: lineage graphs have none, but a tree must not hang
      if (e.to().equals(node.id()) && nodes.containsKey(e.from()) && !path.contains(e.from())) {
        children.add(tree(graph, nodes, nodes.get(e.from()), e, path));
      }
    }
    path.remove(node.id());
    return new TreeNode(node, via == null ? null : via.relation().name().toLowerCase(java.util.Locale.ROOT)
        .replace('_', ' '), via == null ? null : via.detail(), nodeUrl(node), children);
  }

  /** A lineage node's page in the UI, from the ids LineageService gives (run:ID, dataset:NAME@V, model:NAME/V). */
  static String nodeUrl(Node n) {
    if (n.attributes().containsKey("missing") || n.id().equals("truncated")) {
      return null;
    }
    return switch (n.kind()) {
      case RUN -> runUrl(n.label());
      case PIPELINE_RUN -> PipelineViews.pipelineUrl(n.label());
      case DATASET_VERSION -> n.attributes().containsKey("source") ? DatasetViews.inputUrl(n.attributes().get("source"))
          : datasetUrl(n.label());
      case MODEL_VERSION -> n.id().startsWith("model:") && n.id().lastIndexOf('/') > 6
          ? modelUrl(n.id().substring(6, n.id().lastIndexOf('/'))) : null;
      default -> null;
    };
  }

  private static String datasetUrl(String label) {
    try {
      DatasetRef ref = DatasetRef.parse(label);
      return ref.isLatest() ? DatasetViews.datasetUrl(ref.name()) : DatasetViews.versionUrl(ref.name(), ref.version());
    } catch (CairnException e) {
      return null;
    }
  }
}
