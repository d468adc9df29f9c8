package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.server.CairnServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's registry calls against a real server: register a run's model, alias it, resolve and download it. */
class ModelRegistryClientTest {
  @TempDir Path serverDir;
  @TempDir Path work;
  CairnServer server;
  CairnClient client;
  ModelRegistryClient models;

  @BeforeEach
  void start() {
    server = TestServer.start(serverDir);
    client = CairnClient.connect(server.url());
    models = client.models();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static CairnException failure(Runnable call) {
    try {
      call.run();
    } catch (CairnException e) {
      return e;
    }
    throw new AssertionError("expected a CairnException");
  }

  @Test
  void registersARunsModelAliasesResolvesAndDownloadsIt() throws Exception {
    Path model = Files.createDirectories(work.resolve("model"));
    Files.writeString(model.resolve("MLmodel"), "flavors: {}\n");
    Files.createDirectories(model.resolve("data"));
    Files.writeString(model.resolve("data/weights.bin"), "0123456789");
    String exp = client.createExperiment("registry-sdk");
    String runId;
    try (ActiveRun run = client.startRun(exp, "train")) {
      runId = run.runId();
      client.uploadArtifacts(runId, model, "model");
    }

    RegisteredModel created = models.createModel("churn", "predicts churn", Map.of("team", "growth"));
    assertThat(created.tags()).containsEntry("team", "growth");
    ModelVersion v1 = models.registerRunArtifacts("churn", runId, "model");
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.source()).isEqualTo("runs:/" + runId + "/model");
    assertThat(models.createVersion("churn", "s3://elsewhere/m", null).version()).isEqualTo(2);

    models.setAlias("churn", "champion", 1);
    assertThat(models.getVersionByAlias("churn", "champion").version()).isEqualTo(1);
    assertThat(models.getModel("churn").aliases()).containsEntry("champion", 1);
    assertThat(models.getVersion("churn", 1).aliases()).containsExactly("champion");

    ModelRegistryClient.Resolved resolved = models.resolve("models:/churn@champion");
    assertThat(resolved.version()).isEqualTo(1);
    assertThat(resolved.runId()).isEqualTo(runId);
    assertThat(resolved.downloadUri()).endsWith("/" + runId + "/artifacts/model");
    assertThat(models.resolve("runs:/" + runId + "/model").downloadUri()).isEqualTo(resolved.downloadUri());

    Path dest = models.download("models:/churn@champion", work.resolve("out"));
    assertThat(Files.readString(dest.resolve("MLmodel"))).isEqualTo("flavors: {}\n");
    assertThat(Files.readString(dest.resolve("data/weights.bin"))).isEqualTo("0123456789");
    Path byNumber = models.download("models:/churn/1", work.resolve("out2"));
    assertThat(byNumber.resolve("data/weights.bin")).exists();
    assertThat(failure(() -> models.download("models:/churn/2", work.resolve("out3"))).code())
        .isEqualTo(ErrorCode.INVALID_STATE);

    assertThat(models.searchVersions("name = 'churn'", 0, null).items()).extracting(ModelVersion::version)
        .containsExactly(2, 1);
    assertThat(models.searchModels("name LIKE 'ch%'", 10, null).items()).extracting(RegisteredModel::name)
        .containsExactly("churn");
    models.deleteAlias("churn", "champion");
    assertThat(failure(() -> models.getVersionByAlias("churn", "champion")).code())
        .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
  }

  @Test
  void errorsCarryTheServersCodesAndMalformedUrisFailBeforeAnyRequest() {
    assertThat(failure(() -> models.getModel("ghost")).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    models.createModel("m");
    assertThat(failure(() -> models.createModel("m")).code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
    models.createVersion("m", "s3://b/x", null);
    assertThat(failure(() -> models.setAlias("m", "latest", 1)).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    assertThatThrownBy(() -> models.resolve("models:/m"))
        .isInstanceOf(CairnException.class).hasMessageContaining("models:/NAME@ALIAS");
    // a closed client makes no request at all, so only a local check can answer
    client.close();
    assertThatThrownBy(() -> models.resolve("nonsense")).isInstanceOf(CairnException.class)
        .hasMessageContaining("expected models:/NAME/VERSION");
  }
}
