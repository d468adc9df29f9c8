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
    Map<String, Integer> column = columns(graph);
    Map<Integer, List<Node>> byColumn = new HashMap<>();
    for (Node n : graph.nodes()) {
      byColumn.computeIfAbsent(column.get(n.id()), c -> new ArrayList<>()).add(n);
    }
    int columns = byColumn.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    Map<String, Double> row = new HashMap<>();
    int rows = 0;
    for (int c = 0; c < columns; c++) {
      List<Node> nodes = byColumn.getOrDefault(c, List.of());
      List<Node> ordered = new ArrayList<>(nodes);
      Map<String, Double> weight = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        double sum = 0;
        int count = 0;
        for (Edge e : graph.into(n.id())) {
          if (row.containsKey(e.from())) {
            sum += row.get(e.from());
            count++;
          }
        }
        weight.put(n.id(), count == 0 ? i : sum / count);
      }
      ordered.sort(Comparator.comparingDouble(n -> weight.get(n.id()))); // stable: ties keep insertion order
      for (int i = 0; i < ordered.size(); i++) {
        row.put(ordered.get(i).id(), (double) i);
      }
      rows = Math.max(rows, ordered.size());
      byColumn.put(c, ordered);
    }
    Map<String, Box> boxes = new HashMap<>();
    List<Box> drawn = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      List<Node> nodes = byColumn.getOrDefault(c, List.of());
      // a shorter column is centred against the tallest
      int offset = (rows - nodes.size()) * (NODE_HEIGHT + ROW_GAP) / 2;
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        Box b = new Box(n.id(), n.kind().label(), cut(n.label()), n.label(), fact(n), ModelViews.nodeUrl(n),
            MARGIN + c * (NODE_WIDTH + COLUMN_GAP), MARGIN + offset + i * (NODE_HEIGHT + ROW_GAP));
        boxes.put(n.id(), b);
        drawn.add(b);
      }
    }
    List<Link> links = new ArrayList<>();
    for (Edge e : graph.edges()) {
      Box from = boxes.get(e.from());
      Box to = boxes.get(e.to());
      int x1 = from.x() + NODE_WIDTH;
      int y1 = from.y() + NODE_HEIGHT / 2;
      int x2 = to.x();
      int y2 = to.y() + NODE_HEIGHT / 2;
      int bend = Math.max(30, (x2 - x1) / 2);
      String path = String.format(Locale.ROOT, "M%d,%d C%d,%d %d,%d %d,%d", x1, y1, x1 + bend, y1, x2 - bend, y2, x2, y2);
      String label = e.relation().name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + (e.detail() == null ? "" : " (" + e.detail() + ")");
      links.add(new Link(path, label, (x1 + x2) / 2, (y1 + y2) / 2 - 6));
    }
    int width = 2 * MARGIN + Math.max(1, columns) * NODE_WIDTH + Math.max(0, columns - 1) * COLUMN_GAP;
    int height = 2 * MARGIN + Math.max(1, rows) * NODE_HEIGHT + Math.max(0, rows - 1) * ROW_GAP;
    return new Drawing(width, height, drawn, links);
  }

  /**
   * Each node's column: the longest path to it from a node with no inputs, found in topological order. A node on a
   * cycle (lineage has none, but a drawing must not hang) is placed after the last column reached.
   */
  static Map<String, Integer> columns(LineageGraph graph) {
    Map<String, Integer> inputs = new HashMap<>();
    graph.nodes().forEach(n -> inputs.put(n.id(), 0));
    graph.edges().forEach(e -> inputs.merge(e.to(), 1, Integer::sum));
    Map<String, Integer> column = new HashMap<>();
    Deque<String> ready = new ArrayDeque<>();
    for (Node n : graph.nodes()) {
      if (inputs.get(n.id()) == 0) {
        ready.add(n.id());
        column.put(n.id(), 0);
      }
    }
    while (!ready.isEmpty()) {
      String id = ready.poll();
      for (Edge e : graph.outOf(id)) {
        column.merge(e.to(), column.get(id) + 1, Math::max);
        if (inputs.merge(e.to(), -1, Integer::sum) == 0) {
          ready.add(e.to());
        }
      }
    }
    int last = column.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    for (Node n : graph.nodes()) {
      if (inputs.get(n.id()) > 0) {
        column.put(n.id(), last + 1);
      }
    }
    return column;
  }

  private static String cut(String label) {
    return label.length() <= LABEL_CHARS ? label : label.substring(0, LABEL_CHARS - 1) + "…";
  }

  /** The first attribute as "key: value", the line under the label. */
  private static String fact(Node n) {
    return n.attributes().entrySet().stream().findFirst().map(a -> cut(a.getKey() + ": " + a.getValue())).orElse("");
  }
}
