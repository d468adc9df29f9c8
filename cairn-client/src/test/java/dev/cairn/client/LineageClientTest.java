package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.lineage.LineageGraph;
import dev.cairn.lineage.LineageGraph.Kind;
import dev.cairn.lineage.LineageGraph.Relation;
import dev.cairn.lineage.LineageTree;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lineage over HTTP on a real server: a model version back to its run and data, and a dataset forward to models. */
class LineageClientTest {
  @TempDir Path dir;
  private CairnServer server;
  private CairnClient client;

  @BeforeEach
  void start() {
    server = TestServer.start(dir.resolve("server"));
    client = CairnClient.connect(server.url());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private String dataset(String name, String content) throws Exception {
    Path file = dir.resolve(name + ".csv");
    Files.writeString(file, content);
    return client.datasets().add(name, file).ref();
  }

  @Test
  void aModelVersionLeadsBackToItsRunAndTheDatasetVersionsTheRunRead() throws Exception {
    String train = dataset("churn", "id,label\n1,0\n2,1\n");
    String holdout = dataset("holdout", "id,label\n3,1\n");
    String experiment = client.createExperiment("lineage");
    String runId;
    try (ActiveRun run = client.startRun(experiment, "gbt")) {
      runId = run.runId();
      client.datasets().logAsRunInput(runId, train, "training");
      client.datasets().logAsRunInput(runId, holdout, "evaluation");
    }
    client.models().createModel("churn-model");
    client.models().createVersion("churn-model", "runs:/" + runId + "/model", runId);
    // an unrelated run and version, which must not show up
    String other;
    try (ActiveRun run = client.startRun(experiment, "other")) {
      other = run.runId();
    }
    client.models().createVersion("churn-model", "runs:/" + other + "/model", other);

    LineageGraph up = client.lineage().ofModelVersion("models:/churn-model/1");
    assertThat(up.nodes().get(0).id()).isEqualTo("model:churn-model/1");
    assertThat(up.into("model:churn-model/1")).singleElement().satisfies(e -> {
      assertThat(e.from()).isEqualTo("run:" + runId);
      assertThat(e.relation()).isEqualTo(Relation.PRODUCED);
    });
    assertThat(up.into("run:" + runId)).extracting(LineageGraph.Edge::from, LineageGraph.Edge::detail)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("dataset:" + train, "training"),
            org.assertj.core.groups.Tuple.tuple("dataset:" + holdout, "evaluation"));
    assertThat(up.node("run:" + other)).isNull();
    String tree = LineageTree.render(up, "model:churn-model/1", LineageTree.Direction.UPSTREAM);
    assertThat(tree).startsWith("model version churn-model/1").contains("└── run " + runId)
        .contains("dataset " + train).contains("[training]").contains("[evaluation]");

    LineageGraph down = client.lineage().ofDatasetVersion(train);
    assertThat(down.nodes().get(0).id()).isEqualTo("dataset:" + train);
    assertThat(down.outOf("dataset:" + train)).singleElement()
        .satisfies(e -> assertThat(e.to()).isEqualTo("run:" + runId));
    assertThat(down.outOf("run:" + runId)).extracting(LineageGraph.Edge::to).containsExactly("model:churn-model/1");
    assertThat(down.nodes()).extracting(LineageGraph.Node::kind)
        .containsExactly(Kind.DATASET_VERSION, Kind.RUN, Kind.MODEL_VERSION);
  }

  @Test
  void unknownVersionsAndMalformedQuestionsAreClearErrors() throws Exception {
    assertThatThrownBy(() -> client.lineage().ofModelVersion("nope", 1)).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> client.lineage().ofModelVersion("models:/x@champion")).isInstanceOf(CairnException.class)
        .hasMessageContaining("models:/NAME/VERSION");
    assertThatThrownBy(() -> client.lineage().ofDatasetVersion("ghost@3")).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    String data = dataset("alone", "a\n1\n");
    LineageGraph nothing = client.lineage().ofDatasetVersion(data);
    assertThat(nothing.nodes()).hasSize(1);
    assertThat(nothing.edges()).isEmpty();
    // both or neither question: 400 naming the fields
    var http = java.net.http.HttpClient.newHttpClient();
    var response = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(server.url() + "/api/cairn/v1/lineage?model=a&dataset=b")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("INVALID_PARAMETER_VALUE").contains("'model'").contains("'dataset'");
  }
}
