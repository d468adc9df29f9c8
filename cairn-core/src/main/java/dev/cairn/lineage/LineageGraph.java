package dev.cairn.lineage;

import dev.cairn.core.CairnException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What produced what: dataset versions, runs, model versions (later pipeline runs and deployments) and the
 * edges between them, each edge pointing from the input to what was made from it. Nodes are unique by id and
 * kept in the order they were added; an edge names two nodes of the graph.
 */
public record LineageGraph(List<Node> nodes, List<Edge> edges) {

  /** The kinds of thing a lineage graph holds. */
  public enum Kind {
    DATASET_VERSION("dataset"),
    RUN("run"),
    LOGGED_MODEL("logged model"),
    MODEL_VERSION("model version"),
    PIPELINE_RUN("pipeline run"),
    DEPLOYMENT("deployment");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** How a person names this kind, e.g. "model version". */
    public String label() {
      return label;
    }
  }

  /** How one node was made from another, read "from RELATION to": a dataset version was input to a run. */
  public enum Relation {
    /** A dataset version a run read; the edge's detail is the run's context for it (training, evaluation). */
    INPUT_TO,
    /** A run that produced a model (a logged model or a registered model version). */
    PRODUCED,
    /** A logged model registered as a model version. */
    REGISTERED_AS,
    /** A model version serving in a deployment. */
    DEPLOYED_AS
  }

  /**
   * One thing in the graph.
   *
   * @param id unique in the graph, e.g. {@code dataset:churn@2}, {@code run:0bfa...}, {@code model:churn/3}
   * @param label what a person reads, e.g. {@code churn@2}
   * @param attributes small facts shown beside the label (status, hash, aliases), in display order
   */
  public record Node(String id, Kind kind, String label, Map<String, String> attributes) {
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      label = label == null ? id : label;
      attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
  }

  /** An edge from an input to what was made from it; {@code detail} may be null. */
  public record Edge(String from, String to, Relation relation, String detail) {
    public Edge {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(relation, "relation");
    }
  }

  public LineageGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    Set<String> ids = new LinkedHashSet<>();
    for (Node n : nodes) {
      if (!ids.add(n.id())) {
        throw CairnException.invalid("lineage node '" + n.id() + "' appears twice");
      }
    }
    for (Edge e : edges) {
      for (String end : List.of(e.from(), e.to())) {
        if (!ids.contains(end)) {
          throw CairnException.invalid("lineage edge " + e.from() + " -> " + e.to() + " names a node the graph lacks: '"
              + end + "'");
        }
      }
    }
  }

  /** The node with {@code id}, or null. */
  public Node node(String id) {
    for (Node n : nodes) {
      if (n.id().equals(id)) {
        return n;
      }
    }
    return null;
  }

  /** Edges that end at {@code id} (what it was made from), in insertion order. */
  public List<Edge> into(String id) {
    return edges.stream().filter(e -> e.to().equals(id)).toList();
  }

  /** Edges that start at {@code id} (what was made from it), in insertion order. */
  public List<Edge> outOf(String id) {
    return edges.stream().filter(e -> e.from().equals(id)).toList();
  }

  /** Builds a graph, ignoring a node or an edge added twice. */
  public static final class Builder {
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Set<Edge> edges = new LinkedHashSet<>();

    /** Adds {@code node} unless a node with its id is already there; returns its id. */
    public String add(Node node) {
      nodes.putIfAbsent(node.id(), node);
      return node.id();
    }

    public boolean contains(String id) {
      return nodes.containsKey(id);
    }

    public Builder link(String from, String to, Relation relation, String detail) {
      edges.add(new Edge(from, to, relation, detail));
      return this;
    }

    public LineageGraph build() {
      return new LineageGraph(new ArrayList<>(nodes.values()), new ArrayList<>(edges));
    }
  }
}
