package dev.cairn.server.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.StepRun;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline run's steps as a left-to-right DAG for an SVG drawn on the server, placed as lineage graphs are
 * ({@link LineageLayout#place}): one box per step, coloured by the status of its newest attempt, and one edge per
 * wiring (an input of one step fed by an output of another), from the definition stored with the run.
 */
public final class PipelineLayout {
  private PipelineLayout() {}

  /** A step's box; {@code status} is its CSS class, {@code url} its MLflow child run's page (null before it started). */
  public record StepBox(String name, String type, String status, String label, String kind, String fact, String url,
      int x, int y) {
    public int width() {
      return LineageLayout.NODE_WIDTH;
    }

    public int height() {
      return LineageLayout.NODE_HEIGHT;
    }
  }

  /** An edge: {@code from} and {@code to} are step names, {@code label} names the output and the input. */
  public record Wire(String from, String to, String path, String label, int labelX, int labelY) {}

  /** The drawing: its size, boxes and edges. */
  public record Dag(int width, int height, List<StepBox> boxes, List<Wire> wires) {}

  /**
   * Draws the steps of {@code definition} ({@code Pipeline.describe()}: steps with their {@code inputs} as
   * {@code INPUT: STEP.OUTPUT}) and any step of {@code latest} missing from it, by the newest attempt of each
   * ({@code latest}: step name to attempt, null for a step not started).
   */
  static Dag of(JsonNode definition, Map<String, StepRun> latest) {
    Set<String> names = new LinkedHashSet<>();
    Map<String, String> types = new java.util.HashMap<>();
    List<String[]> wiring = new ArrayList<>(); // from step, to step, label
    if (definition != null) {
      for (JsonNode step : definition.path("steps")) {
        String name = step.path("name").asText();
        names.add(name);
        types.put(name, step.path("type").asText(""));
        step.path("inputs").fields().forEachRemaining(in -> {
          String ref = in.getValue().asText();
          int dot = ref.indexOf('.');
          if (dot > 0) {
            String output = ref.substring(dot + 1);
            // the wire is labelled with the output it carries, and the input it feeds when named otherwise
            wiring.add(new String[] {ref.substring(0, dot), name,
                output.equals(in.getKey()) ? output : output + " → " + in.getKey()});
          }
        });
      }
    }
    names.addAll(latest.keySet());
    wiring.removeIf(w -> !names.contains(w[0])); // a definition naming a missing step is drawn without that edge
    LineageLayout.Placement p = LineageLayout.place(List.copyOf(names),
        wiring.stream().map(w -> Map.entry(w[0], w[1])).toList());
    // an edge that skips columns arcs over the boxes between (higher the more it skips), so the drawing starts lower
    int column = LineageLayout.NODE_WIDTH + LineageLayout.COLUMN_GAP;
    int top = 0;
    for (String[] w : wiring) {
      top = Math.max(top, lift(p.corners().get(w[0]), p.corners().get(w[1]), column));
    }
    List<StepBox> boxes = new ArrayList<>();
    for (String name : names) {
      StepRun s = latest.get(name);
      int[] at = p.corners().get(name);
      String type = s != null && s.stepType() != null ? s.stepType() : types.getOrDefault(name, "");
      String status = PipelineViews.statusClass(s == null ? null : s.status());
      String fact = status + (s == null || s.durationMillis() == null ? "" : " · "
          + PipelineViews.duration(s.durationMillis()));
      boxes.add(new StepBox(name, type, status, LineageLayout.cut(name), LineageLayout.cut(shortType(type)), fact,
          s == null ? null : UiViews.runUrl(s.stepRunId()), at[0], at[1] + top));
    }
    List<Wire> wires = new ArrayList<>();
    for (String[] w : wiring) {
      int[] from = p.corners().get(w[0]);
      int[] to = p.corners().get(w[1]);
      int lift = lift(from, to, column);
      if (lift == 0) {
        LineageLayout.Link l = LineageLayout.link(new int[] {from[0], from[1] + top}, new int[] {to[0], to[1] + top},
            w[2]);
        wires.add(new Wire(w[0], w[1], l.path(), l.label(), l.labelX(), l.labelY()));
      } else {
        int x1 = from[0] + LineageLayout.NODE_WIDTH - 24;
        int y1 = from[1] + top;
        int x2 = to[0] + 24;
        int y2 = to[1] + top;
        int crest = Math.min(y1, y2) - lift;
        String path = String.format(Locale.ROOT, "M%d,%d C%d,%d %d,%d %d,%d", x1, y1, x1, crest, x2, crest, x2, y2);
        // a cubic's middle lies three quarters of the way to its control points
        wires.add(new Wire(w[0], w[1], path, w[2], (x1 + x2) / 2, Math.min(y1, y2) - lift * 3 / 4 - 4));
      }
    }
    return new Dag(p.width(), p.height() + top, boxes, wires);
  }

  /** How high an edge arcs: 0 between neighbouring columns, more for each column it skips. */
  private static int lift(int[] from, int[] to, int column) {
    int skipped = (to[0] - from[0]) / column - 1;
    return skipped <= 0 ? 0 : 24 + 18 * skipped;
  }

  /** A step class's simple name ({@code dev.cairn.pipeline.steps.SplitTable} → SplitTable); a built-in name as is. */
  public static String shortType(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }
}
