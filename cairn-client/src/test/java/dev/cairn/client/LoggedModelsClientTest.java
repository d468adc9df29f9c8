package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's logged models against a real server: create, upload a folder, finalize, search, download. */
class LoggedModelsClientTest extends AgainstServer {
  @TempDir Path tmp;

  private Path modelFolder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(dir.resolve("MLmodel"), "flavors:\n  python_function: {}\n");
    Files.write(Files.createDirectories(dir.resolve("data")).resolve("weights.bin"), new byte[] {9, 8, 7, 6});
    return dir;
  }

  @Test
  void logUploadsTheFolderMarksTheModelReadyAndLinksItToTheRun() throws Exception {
    LoggedModelsClient models = client.loggedModels();
    String runId = client.run(experimentId, "train", run -> run.logParam("depth", "3"));
    LoggedModelInfo m = models.log(experimentId, "churn-model", runId, modelFolder());
    assertThat(m.modelId()).matches("m-[0-9a-f]{32}");
    assertThat(m.status()).isEqualTo(LoggedModelInfo.Status.READY);
    assertThat(m.sourceRunId()).isEqualTo(runId);
    assertThat(m.artifactUri()).isEqualTo("mlflow-artifacts:/" + experimentId + "/models/" + m.modelId() + "/artifacts");
    assertThat(m.uri()).isEqualTo("models:/" + m.modelId());

    Path back = models.download(m.modelId(), tmp.resolve("back"));
    assertThat(Files.readString(back.resolve("MLmodel"))).contains("python_function");
    assertThat(Files.readAllBytes(back.resolve("data/weights.bin"))).containsExactly(9, 8, 7, 6);

    // the run shows the model among its outputs, as MLflow 3 clients read it
    String runJson = new String(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(server.url() + "/api/2.0/mlflow/runs/get?run_id=" + runId)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(dev.cairn.core.Json.MAPPER.readTree(runJson).at("/run/outputs/model_outputs/0/model_id").asText())
        .isEqualTo(m.modelId());
  }

  @Test
  void createFinalizeAndSearchByFilterAndPages() throws Exception {
    LoggedModelsClient models = client.loggedModels();
    String exp = client.createExperiment("sdk-search");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LoggedModelInfo m = models.create(exp, "m" + i, null, Map.of("depth", Integer.toString(i)), Map.of("team", "a"));
      assertThat(m.status()).isEqualTo(LoggedModelInfo.Status.PENDING);
      assertThat(m.params()).containsEntry("depth", Integer.toString(i));
      ids.add(m.modelId());
    }
    models.uploadArtifacts(ids.get(1), modelFolder());
    assertThat(models.finalizeModel(ids.get(1), LoggedModelInfo.Status.READY).status())
        .isEqualTo(LoggedModelInfo.Status.READY);
    Page<LoggedModelInfo> ready = models.search(List.of(exp), "status = 'READY'", 10, null);
    assertThat(ready.items()).extracting(LoggedModelInfo::modelId).containsExactly(ids.get(1));
    Page<LoggedModelInfo> first = models.search(List.of(exp), "tags.team = 'a'", 2, null);
    assertThat(first.items()).hasSize(2);
    Page<LoggedModelInfo> second = models.search(List.of(exp), "tags.team = 'a'", 2, first.nextPageToken());
    assertThat(second.nextPageToken()).isNull();
    List<String> seen = new ArrayList<>();
    first.items().forEach(m -> seen.add(m.modelId()));
    second.items().forEach(m -> seen.add(m.modelId()));
    assertThat(seen).containsExactly(ids.get(2), ids.get(1), ids.get(0));
    assertThat(models.get(ids.get(0)).tags()).containsEntry("team", "a");
  }

  @Test
  void anUnknownModelIsResourceDoesNotExist() {
    assertThatThrownBy(() -> client.loggedModels().get("m-" + "0".repeat(32)))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
  }
}
