package dev.cairn.lineage;

import dev.cairn.lineage.LineageGraph.Edge;
import dev.cairn.lineage.LineageGraph.Node;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Prints a lineage graph as a tree from one node, as {@code cairn lineage} shows it: {@link Direction#UPSTREAM}
 * follows edges back to what the node was made from (a model version, then its run, then the run's data);
 * {@link Direction#DOWNSTREAM} follows them forward to what was made from it (a dataset version, then the runs
 * that read it, then their models). A node reached twice is printed again with "(see above)" and not expanded,
 * so a diamond or a cycle cannot make the output grow without end.
 */
public final class LineageTree {
  /** Which way to walk from the root. */
  public enum Direction { UPSTREAM, DOWNSTREAM }

  private LineageTree() {}

  /** The tree as lines of text, the root first; each line ends with a newline. */
  public static String render(LineageGraph graph, String rootId, Direction direction) {
    Node root = graph.node(rootId);
    if (root == null) {
      throw dev.cairn.core.CairnException.invalid("lineage graph has no node '" + rootId + "'");
    }
    StringBuilder out = new StringBuilder(describe(root, null)).append('\n');
    Set<String> seen = new HashSet<>();
    seen.add(rootId);
    children(graph, rootId, direction, "", seen, out);
    return out.toString();
  }

  private static void children(LineageGraph graph, String id, Direction direction, String indent, Set<String> seen,
      StringBuilder out) {
    List<Edge> edges = direction == Direction.UPSTREAM ? graph.into(id) : graph.outOf(id);
    for (int i = 0; i < edges.size(); i++) {
      Edge e = edges.get(i);
      boolean last = i == edges.size() - 1;
      String childId = direction == Direction.UPSTREAM ? e.from() : e.to();
      Node child = graph.node(childId);
      out.append(indent).append(last ? "└── " : "├── ").append(describe(child, e.detail()));
      if (!seen.add(childId)) {
        out.append(" (see above)\n");
        continue;
      }
      out.append('\n');
      children(graph, childId, direction, indent + (last ? "    " : "│   "), seen, out);
    }
  }

  private static String describe(Node node, String detail) {
    StringBuilder line = new StringBuilder(node.kind().label()).append(' ').append(node.label());
    if (!node.attributes().isEmpty()) {
      StringJoiner facts = new StringJoiner(", ", " (", ")");
      node.attributes().forEach((k, v) -> facts.add(k + " " + v));
      line.append(facts);
    }
    if (detail != null && !detail.isBlank()) {
      line.append(" [").append(detail).append(']');
    }
    return line.toString();
  }
}
