package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.ExperimentsPage;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.RunsPage;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * The official MLflow Java client (2.17.2) against a real Cairn server. Its artifact methods shell out to
 * Python MLflow for every scheme, so artifacts are exercised through the proxy routes over HTTP and read
 * back with the client's own proto parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowJavaClientCompatibilityTest {
  TestServer server;
  MlflowClient client;

  /** Subclasses run the same tests on other backends. */
  TestServer startServer() throws Exception {
    return TestServer.start(Files.createTempDirectory("cairn-compat"));
  }

  @BeforeAll
  void start() throws Exception {
    server = startServer();
    client = new MlflowClient(server.server.url());
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void createGetAndFindExperimentsByName() {
    String id = client.createExperiment("compat-exp");
    Service.Experiment e = client.getExperiment(id);
    assertThat(e.getName()).isEqualTo("compat-exp");
    assertThat(e.getLifecycleStage()).isEqualTo("active");
    assertThat(e.getArtifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
    Optional<Service.Experiment> byName = client.getExperimentByName("compat-exp");
    assertThat(byName).map(Service.Experiment::getExperimentId).contains(id);
    assertThat(client.getExperimentByName("compat-no-such-exp")).isEmpty();
  }

  @Test
  void searchExperimentsWithAndWithoutAFilter() {
    String id = client.createExperiment("compat-search-exp");
    ExperimentsPage all = client.searchExperiments();
    assertThat(all.getItems()).extracting(Service.Experiment::getExperimentId).contains(id, "0");
    ExperimentsPage filtered = client.searchExperiments("name = 'compat-search-exp'");
    assertThat(filtered.getItems()).extracting(Service.Experiment::getExperimentId).containsExactly(id);
  }

  @Test
  void duplicateExperimentNameSurfacesAsAClientError() {
    client.createExperiment("compat-dup");
    assertThatThrownBy(() -> client.createExperiment("compat-dup"))
        .isInstanceOf(MlflowClientException.class)
        .hasMessageContaining("RESOURCE_ALREADY_EXISTS");
  }

  @Test
  void logBatchThenReadRunAndMetricHistory() {
    String exp = client.createExperiment("compat-runs");
    Service.RunInfo info = client.createRun(exp);
    assertThat(info.getRunId()).matches("[0-9a-f]{32}");
    assertThat(info.getStatus()).isEqualTo(Service.RunStatus.RUNNING);
    long now = System.currentTimeMillis();
    client.logBatch(info.getRunId(),
        List.of(metric("loss", 0.9, now, 0), metric("loss", 0.5, now + 1, 1), metric("loss", 0.25, now + 2, 2)),
        List.of(Service.Param.newBuilder().setKey("lr").setValue("0.01").build()),
        List.of(Service.RunTag.newBuilder().setKey("team").setValue("search").build()));
    client.logMetric(info.getRunId(), "nan", Double.NaN);
    client.logParam(info.getRunId(), "epochs", "3");

    Service.Run run = client.getRun(info.getRunId());
    assertThat(run.getData().getParamsList()).extracting(Service.Param::getKey).contains("lr", "epochs");
    assertThat(run.getData().getTagsList()).extracting(Service.RunTag::getKey).contains("team");
    assertThat(run.getData().getMetricsList()).filteredOn(m -> m.getKey().equals("loss"))
        .singleElement().satisfies(m -> {
          assertThat(m.getValue()).isEqualTo(0.25);
          assertThat(m.getStep()).isEqualTo(2);
        });

    List<Service.Metric> history = client.getMetricHistory(info.getRunId(), "loss");
    assertThat(history).extracting(Service.Metric::getStep).containsExactly(0L, 1L, 2L);
    assertThat(history).extracting(Service.Metric::getTimestamp).containsExactly(now, now + 1, now + 2);
    assertThat(client.getMetricHistory(info.getRunId(), "nan")).singleElement()
        .satisfies(m -> assertThat(m.getValue()).isNaN());
  }

  @Test
  void searchRunsWithAFilterAndOrder() {
    String exp = client.createExperiment("compat-search-runs");
    String good = client.createRun(exp).getRunId();
    String bad = client.createRun(exp).getRunId();
    client.logMetric(good, "acc", 0.9);
    client.logMetric(bad, "acc", 0.1);
    List<Service.RunInfo> found = client.searchRuns(List.of(exp), "metrics.acc > 0.5");
    assertThat(found).extracting(Service.RunInfo::getRunId).containsExactly(good);
    RunsPage ordered = client.searchRuns(List.of(exp), "", Service.ViewType.ACTIVE_ONLY, 10, List.of("metrics.acc ASC"));
    assertThat(ordered.getItems()).extracting(Service.Run::getInfo).extracting(Service.RunInfo::getRunId)
        .containsExactly(bad, good);
  }

  @Test
  void setAndDeleteRunAndExperimentTags() {
    String exp = client.createExperiment("compat-tags");
    String runId = client.createRun(exp).getRunId();
    client.setTag(runId, "stage", "candidate");
    assertThat(client.getRun(runId).getData().getTagsList())
        .anySatisfy(t -> assertThat(t.getKey() + "=" + t.getValue()).isEqualTo("stage=candidate"));
    client.deleteTag(runId, "stage");
    assertThat(client.getRun(runId).getData().getTagsList()).noneMatch(t -> t.getKey().equals("stage"));
    client.setExperimentTag(exp, "owner", "ml-team");
    assertThat(client.getExperiment(exp).getTagsList())
        .anySatisfy(t -> assertThat(t.getKey() + "=" + t.getValue()).isEqualTo("owner=ml-team"));
  }

  @Test
  void terminateDeleteAndRestoreRunAndExperiment() {
    String exp = client.createExperiment("compat-lifecycle");
    String runId = client.createRun(exp).getRunId();
    client.setTerminated(runId, Service.RunStatus.FINISHED, 12345L);
    Service.RunInfo finished = client.getRun(runId).getInfo();
    assertThat(finished.getStatus()).isEqualTo(Service.RunStatus.FINISHED);
    assertThat(finished.getEndTime()).isEqualTo(12345L);

    client.deleteRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("deleted");
    client.restoreRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("active");

    client.deleteExperiment(exp);
    assertThat(client.getExperiment(exp).getLifecycleStage()).isEqualTo("deleted");
    client.restoreExperiment(exp);
    assertThat(client.getExperiment(exp).getLifecycleStage()).isEqualTo("active");
    client.renameExperiment(exp, "compat-lifecycle-renamed");
    assertThat(client.getExperiment(exp).getName()).isEqualTo("compat-lifecycle-renamed");
  }

  @Test
  void artifactsUploadedThroughTheProxyListAndDownload() throws Exception {
    String exp = client.createExperiment("compat-artifacts");
    Service.RunInfo run = client.createRun(exp);
    String storePath = run.getArtifactUri().substring("mlflow-artifacts:/".length());
    byte[] content = "model bytes".getBytes();
    assertThat(server.put("/api/2.0/mlflow-artifacts/artifacts/" + storePath + "/model/model.bin", content).status())
        .isEqualTo(200);

    // artifacts/list through the client's own HTTP stack, parsed strictly by its proto JSON parser.
    Service.ListArtifacts.Response top = parse(client.sendGet("artifacts/list?run_id=" + run.getRunId()),
        Service.ListArtifacts.Response.newBuilder());
    assertThat(top.getFilesList()).singleElement().satisfies(f -> {
      assertThat(f.getPath()).isEqualTo("model");
      assertThat(f.getIsDir()).isTrue();
    });
    Service.ListArtifacts.Response model = parse(
        client.sendGet("artifacts/list?run_id=" + run.getRunId() + "&path=model"),
        Service.ListArtifacts.Response.newBuilder());
    assertThat(model.getFilesList()).singleElement().satisfies(f -> {
      assertThat(f.getPath()).isEqualTo("model/model.bin");
      assertThat(f.getFileSize()).isEqualTo(content.length);
    });
    assertThat(server.get("/api/2.0/mlflow-artifacts/artifacts/" + storePath + "/model/model.bin").body())
        .isEqualTo(content);
  }

  @Test
  void everyRunResponseParsesStrictlyAsTheClientsProto() throws Exception {
    String exp = client.createExperiment("compat-strict");
    String runId = client.createRun(exp).getRunId();
    client.logMetric(runId, "m", 1.5, 10, 3);
    server.post("/api/2.0/mlflow/runs/log-inputs", "{\"run_id\":\"" + runId + "\",\"datasets\":[{\"dataset\":"
        + "{\"name\":\"d\",\"digest\":\"123\",\"source_type\":\"local\",\"source\":\"s\"}}]}");
    Service.GetRun.Response r = parse(client.sendGet("runs/get?run_id=" + runId), Service.GetRun.Response.newBuilder());
    assertThat(r.getRun().getInputs().getDatasetInputsList()).singleElement()
        .satisfies(d -> assertThat(d.getDataset().getName()).isEqualTo("d"));
    assertThat(r.getRun().getData().getMetrics(0).getStep()).isEqualTo(3);
    Service.GetExperiment.Response e = parse(client.sendGet("experiments/get?experiment_id=" + exp),
        Service.GetExperiment.Response.newBuilder());
    assertThat(e.getExperiment().getName()).isEqualTo("compat-strict");
  }

  private static Service.Metric metric(String key, double value, long timestamp, long step) {
    return Service.Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
  }

  /** Strict: an unknown field in our JSON fails the parse, so the shapes must match the client's proto. */
  @SuppressWarnings("unchecked")
  private static <T extends Message> T parse(String json, Message.Builder builder) throws Exception {
    JsonFormat.parser().merge(json, builder);
    return (T) builder.build();
  }
}
