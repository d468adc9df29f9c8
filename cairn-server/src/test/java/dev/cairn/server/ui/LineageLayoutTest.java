package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageGraph.Kind;
import dev.cairn.lineage.LineageGraph.Node;
import dev.cairn.lineage.LineageGraph.Relation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineageLayoutTest {
  private static Node node(String id, Kind kind) {
    return new Node(id, kind, id.substring(id.indexOf(':') + 1), Map.of("status", "ok"));
  }

  @Test
  void dataIsLeftOfTheRunWhichIsLeftOfWhatItProduced() {
    LineageGraph g = new LineageGraph(
        List.of(node("model:churn/2", Kind.MODEL_VERSION), node("run:abc", Kind.RUN),
            node("dataset:train@3", Kind.DATASET_VERSION), node("dataset:test@1", Kind.DATASET_VERSION)),
        List.of(new LineageGraph.Edge("run:abc", "model:churn/2", Relation.PRODUCED, null),
            new LineageGraph.Edge("dataset:train@3", "run:abc", Relation.INPUT_TO, "training"),
            new LineageGraph.Edge("dataset:test@1", "run:abc", Relation.INPUT_TO, "evaluation")));

    LineageLayout.Drawing d = LineageLayout.of(g);

    Map<String, LineageLayout.Box> boxes = new java.util.HashMap<>();
    d.boxes().forEach(b -> boxes.put(b.id(), b));
    assertThat(boxes.get("dataset:train@3").x()).isEqualTo(boxes.get("dataset:test@1").x())
        .isLessThan(boxes.get("run:abc").x());
    assertThat(boxes.get("run:abc").x()).isLessThan(boxes.get("model:churn/2").x());
    assertThat(boxes.get("dataset:train@3").y()).isNotEqualTo(boxes.get("dataset:test@1").y());
    assertThat(d.links()).extracting(LineageLayout.Link::label)
        .containsExactly("produced", "input to (training)", "input to (evaluation)");
    // every box inside the drawing
    assertThat(d.boxes()).allSatisfy(b -> {
      assertThat(b.x() + b.width()).isLessThanOrEqualTo(d.width());
      assertThat(b.y() + b.height()).isLessThanOrEqualTo(d.height());
    });
    // a path starts at its input's right edge and ends at its output's left edge
    LineageLayout.Box run = boxes.get("run:abc");
    LineageLayout.Box model = boxes.get("model:churn/2");
    assertThat(d.links().get(0).path()).startsWith("M" + (run.x() + run.width()) + ",")
        .endsWith(" " + model.x() + "," + (model.y() + model.height() / 2));
  }

  @Test
  void aLongestPathDecidesTheColumnAndACycleDoesNotHang() {
    LineageGraph g = new LineageGraph(
        List.of(node("a:1", Kind.DATASET_VERSION), node("b:1", Kind.RUN), node("c:1", Kind.MODEL_VERSION),
            node("x:1", Kind.RUN), node("y:1", Kind.RUN)),
        List.of(new LineageGraph.Edge("a:1", "b:1", Relation.INPUT_TO, null),
            new LineageGraph.Edge("b:1", "c:1", Relation.PRODUCED, null),
            new LineageGraph.Edge("a:1", "c:1", Relation.PRODUCED, null),
            new LineageGraph.Edge("x:1", "y:1", Relation.PRODUCED, null),
            new LineageGraph.Edge("y:1", "x:1", Relation.PRODUCED, null)));

    Map<String, Integer> columns = LineageLayout.columns(g);

    assertThat(columns).containsEntry("a:1", 0).containsEntry("b:1", 1).containsEntry("c:1", 2)
        .containsEntry("x:1", 3).containsEntry("y:1", 3);
    assertThat(LineageLayout.of(g).boxes()).hasSize(5);
  }
}
