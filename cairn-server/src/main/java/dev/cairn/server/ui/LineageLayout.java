package dev.cairn.server.ui;

import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageGraph.Edge;
import dev.cairn.lineage.LineageGraph.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays a lineage graph out left to right for an SVG drawn on the server: a node's column is the longest path to it
 * from a node with no inputs (data on the left, what was made from it to the right), and within a column nodes are
 * ordered by the mean row of their inputs, so edges cross less. Small graphs only (a version's lineage is a
 * handful of nodes; a dataset's downstream is capped by the lineage service).
 */
public final class LineageLayout {
  static final int NODE_WIDTH = 230;
  static final int NODE_HEIGHT = 46;
  static final int COLUMN_GAP = 130;
  static final int ROW_GAP = 22;
  static final int MARGIN = 12;
  /** Labels longer than this are cut with an ellipsis; the whole label is in the node's tooltip. */
  static final int LABEL_CHARS = 25;

  private LineageLayout() {}

  /** A node's box; {@code url} is null when the UI has no page for it. */
  public record Box(String id, String kind, String label, String fullLabel, String fact, String url, int x, int y) {
    public int width() {
      return NODE_WIDTH;
    }

    public int height() {
      return NODE_HEIGHT;
    }
  }

  /** An edge as an SVG path (a cubic curve from the input's right side to the output's left side) and its label. */
  public record Link(String path, String label, int labelX, int labelY) {}

  /** The drawing: its size, boxes and links. */
  public record Drawing(int width, int height, List<Box> boxes, List<Link> links) {}

  static Drawing of(LineageGraph graph) {
    Placement p = place(graph.nodes().stream().map(Node::id).toList(),
        graph.edges().stream().map(e -> Map.entry(e.from(), e.to())).toList());
    List<Box> drawn = new ArrayList<>();
    for (Node n : graph.nodes()) {
      int[] at = p.corners().get(n.id());
      drawn.add(new Box(n.id(), n.kind().label(), cut(n.label()), n.label(), fact(n), ModelViews.nodeUrl(n), at[0],
          at[1]));
    }
    List<Link> links = new ArrayList<>();
    for (Edge e : graph.edges()) {
      String label = e.relation().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + (e.detail() == null ? "" : " (" + e.detail() + ")");
      links.add(link(p.corners().get(e.from()), p.corners().get(e.to()), label));
    }
    return new Drawing(p.width(), p.height(), drawn, links);
  }

  /** Where the boxes of a DAG go: each node's top-left corner ({x, y}) and the drawing's size. */
  record Placement(Map<String, int[]> corners, int width, int height) {}

  /**
   * Places the nodes {@code ids} (boxes of {@link #NODE_WIDTH} by {@link #NODE_HEIGHT}) by their {@code edges}
   * (from, to): columns by longest path, rows ordered by the mean row of their inputs, shorter columns centred.
   */
  static Placement place(List<String> ids, List<Map.Entry<String, String>> edges) {
    Map<String, Integer> column = columns(ids, edges);
    Map<String, List<String>> into = new HashMap<>();
    edges.forEach(e -> into.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey()));
    Map<Integer, List<String>> byColumn = new HashMap<>();
    for (String id : ids) {
      byColumn.computeIfAbsent(column.get(id), c -> new ArrayList<>()).add(id);
    }
    int columns = byColumn.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    Map<String, Double> row = new HashMap<>();
    int rows = 0;
    for (int c = 0; c < columns; c++) {
      List<String> nodes = byColumn.getOrDefault(c, List.of());
      Map<String, Double> weight = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        double sum = 0;
        int count = 0;
        for (String from : into.getOrDefault(nodes.get(i), List.of())) {
          if (row.containsKey(from)) {
            sum += row.get(from);
            count++;
          }
        }
        weight.put(nodes.get(i), count == 0 ? i : sum / count);
      }
      List<String> ordered = new ArrayList<>(nodes);
      ordered.sort(Comparator.comparingDouble(weight::get)); // stable: ties keep insertion order
      for (int i = 0; i < ordered.size(); i++) {
        row.put(ordered.get(i), (double) i);
      }
      rows = Math.max(rows, ordered.size());
      byColumn.put(c, ordered);
    }
    Map<String, int[]> corners = new HashMap<>();
    for (int c = 0; c < columns; c++) {
      List<String> nodes = byColumn.getOrDefault(c, List.of());
      // a shorter column is centred against the tallest
      int offset = (rows - nodes.size()) * (NODE_HEIGHT + ROW_GAP) / 2;
      for (int i = 0; i < nodes.size(); i++) {
        corners.put(nodes.get(i), new int[] {MARGIN + c * (NODE_WIDTH + COLUMN_GAP),
            MARGIN + offset + i * (NODE_HEIGHT + ROW_GAP)});
      }
    }
    int width = 2 * MARGIN + Math.max(1, columns) * NODE_WIDTH + Math.max(0, columns - 1) * COLUMN_GAP;
    int height = 2 * MARGIN + Math.max(1, rows) * NODE_HEIGHT + Math.max(0, rows - 1) * ROW_GAP;
    return new Placement(corners, width, height);
  }

  /** An edge from the box at {@code from} to the box at {@code to}: a cubic curve from right side to left side. */
  static Link link(int[] from, int[] to, String label) {
    int x1 = from[0] + NODE_WIDTH;
    int y1 = from[1] + NODE_HEIGHT / 2;
    int x2 = to[0];
    int y2 = to[1] + NODE_HEIGHT / 2;
    int bend = Math.max(30, (x2 - x1) / 2);
    String path = String.format(Locale.ROOT, "M%d,%d C%d,%d %d,%d %d,%d", x1, y1, x1 + bend, y1, x2 - bend, y2, x2, y2);
    return new Link(path, label, (x1 + x2) / 2, (y1 + y2) / 2 - 6);
  }

  static Map<String, Integer> columns(LineageGraph graph) {
    return columns(graph.nodes().stream().map(Node::id).toList(),
        graph.edges().stream().map(e -> Map.entry(e.from(), e.to())).toList());
  }

  /**
   * Each node's column: the longest path to it from a node with no inputs, found in topological order. A node on a
   * cycle (a DAG has none, but a drawing must not hang) is placed after the last column reached.
   */
  static Map<String, Integer> columns(List<String> ids, List<Map.Entry<String, String>> edges) {
    Map<String, Integer> inputs = new HashMap<>();
    Map<String, List<String>> outOf = new HashMap<>();
    ids.forEach(id -> inputs.put(id, 0));
    for (Map.Entry<String, String> e : edges) {
      inputs.merge(e.getValue(), 1, Integer::sum);
      outOf.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    Map<String, Integer> column = new HashMap<>();
    Deque<String> ready = new ArrayDeque<>();
    for (String id : ids) {
      if (inputs.get(id) == 0) {
        ready.add(id);
        column.put(id, 0);
      }
    }
    while (!ready.isEmpty()) {
      String id = ready.poll();
      for (String to : outOf.getOrDefault(id, List.of())) {
        column.merge(to, column.get(id) + 1, Math::max);
        if (inputs.merge(to, -1, Integer::sum) == 0) {
          ready.add(to);
        }
      }
    }
    int last = column.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    for (String id : ids) {
      if (inputs.get(id) > 0) {
        column.put(id, last + 1);
      }
    }
    return column;
  }

  static String cut(String label) {
    return label.length() <= LABEL_CHARS ? label : label.substring(0, LABEL_CHARS - 1) + "…";
  }

  /** The first attribute as "key: value", the line under the label. */
  private static String fact(Node n) {
    return n.attributes().entrySet().stream().findFirst().map(a -> cut(a.getKey() + ": " + a.getValue())).orElse("");
  }
}
