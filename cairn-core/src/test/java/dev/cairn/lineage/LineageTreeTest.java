package dev.cairn.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.lineage.LineageGraph.Kind;
import dev.cairn.lineage.LineageGraph.Node;
import dev.cairn.lineage.LineageGraph.Relation;
import dev.cairn.lineage.LineageTree.Direction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineageTreeTest {
  private static LineageGraph modelFromTwoDatasets() {
    Map<String, String> runFacts = new LinkedHashMap<>();
    runFacts.put("status", "FINISHED");
    runFacts.put("experiment", "1");
    LineageGraph.Builder b = new LineageGraph.Builder();
    String train = b.add(new Node("dataset:churn@2", Kind.DATASET_VERSION, "churn@2", Map.of("rows", "1000")));
    String eval = b.add(new Node("dataset:holdout@1", Kind.DATASET_VERSION, "holdout@1", null));
    String run = b.add(new Node("run:abc", Kind.RUN, "abc", runFacts));
    String model = b.add(new Node("model:churn/3", Kind.MODEL_VERSION, "churn/3", Map.of("aliases", "production")));
    b.link(train, run, Relation.INPUT_TO, "training").link(eval, run, Relation.INPUT_TO, "evaluation")
        .link(run, model, Relation.PRODUCED, null);
    return b.build();
  }

  @Test
  void upstreamFromAModelVersionShowsItsRunThenTheRunsData() {
    assertThat(LineageTree.render(modelFromTwoDatasets(), "model:churn/3", Direction.UPSTREAM)).isEqualTo("""
        model version churn/3 (aliases production)
        └── run abc (status FINISHED, experiment 1)
            ├── dataset churn@2 (rows 1000) [training]
            └── dataset holdout@1 [evaluation]
        """);
  }

  @Test
  void downstreamFromADatasetAnswersWhichModelsWereTrainedOnIt() {
    assertThat(LineageTree.render(modelFromTwoDatasets(), "dataset:churn@2", Direction.DOWNSTREAM)).isEqualTo("""
        dataset churn@2 (rows 1000)
        └── run abc (status FINISHED, experiment 1) [training]
            └── model version churn/3 (aliases production)
        """);
  }

  @Test
  void aNodeReachedTwiceIsNotExpandedAgain() {
    LineageGraph.Builder b = new LineageGraph.Builder();
    b.add(new Node("a", Kind.RUN, "a", null));
    b.add(new Node("b", Kind.RUN, "b", null));
    b.link("a", "b", Relation.PRODUCED, null).link("b", "a", Relation.PRODUCED, null);
    assertThat(LineageTree.render(b.build(), "a", Direction.DOWNSTREAM)).isEqualTo("""
        run a
        └── run b
            └── run a (see above)
        """);
  }

  @Test
  void aGraphRefusesAnEdgeToAMissingNodeAndADuplicateNode() {
    Node a = new Node("a", Kind.RUN, "a", null);
    assertThatThrownBy(() -> new LineageGraph(List.of(a), List.of(new LineageGraph.Edge("a", "x", Relation.PRODUCED, null))))
        .isInstanceOf(CairnException.class).hasMessageContaining("'x'").hasMessageContaining("names a node");
    assertThatThrownBy(() -> new LineageGraph(List.of(a, a), List.of()))
        .isInstanceOf(CairnException.class).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> LineageTree.render(new LineageGraph(List.of(a), List.of()), "zz", Direction.UPSTREAM))
        .isInstanceOf(CairnException.class).hasMessageContaining("'zz'");
  }
}
