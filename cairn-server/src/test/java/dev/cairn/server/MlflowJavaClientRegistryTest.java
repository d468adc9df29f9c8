package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.ModelVersionsPage;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * The official MLflow Java client (2.17.2) against Cairn's registry. That client has typed methods only for reading
 * (get model, get version, latest versions, search, download URI); creating models, versions and aliases goes
 * through its own sendPost/sendGet, the way its users do, with answers read by its proto parser (strict: an unknown
 * or mistyped field fails).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowJavaClientRegistryTest {
  TestServer server;
  MlflowClient client;

  /** Subclasses run the same tests on other backends. */
  TestServer startServer() throws Exception {
    return TestServer.start(Files.createTempDirectory("cairn-registry-compat"));
  }

  /** Subclasses connect with credentials. */
  MlflowClient connect(TestServer server) throws Exception {
    return new MlflowClient(server.server.url());
  }

  @BeforeAll
  void start() throws Exception {
    server = startServer();
    client = connect(server);
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> T parse(String json, Message.Builder builder) throws Exception {
    JsonFormat.parser().merge(json, builder);
    return (T) builder.build();
  }

  private ModelRegistry.ModelVersion createVersion(String name, String source, String runId) throws Exception {
    ModelRegistry.CreateModelVersion.Response r = parse(client.sendPost("model-versions/create",
        "{\"name\":\"" + name + "\",\"source\":\"" + source + "\",\"run_id\":\"" + runId + "\"}"),
        ModelRegistry.CreateModelVersion.Response.newBuilder());
    return r.getModelVersion();
  }

  @Test
  void createRegisterAliasSearchAndLatestVersions() throws Exception {
    ModelRegistry.CreateRegisteredModel.Response created = parse(client.sendPost("registered-models/create",
        "{\"name\":\"compat-model\",\"tags\":[{\"key\":\"team\",\"value\":\"ml\"}]}"),
        ModelRegistry.CreateRegisteredModel.Response.newBuilder());
    assertThat(created.getRegisteredModel().getName()).isEqualTo("compat-model");

    String exp = client.createExperiment("compat-registry-exp");
    String run = client.createRun(exp).getRunId();
    ModelRegistry.ModelVersion v1 = createVersion("compat-model", "runs:/" + run + "/model", run);
    assertThat(v1.getVersion()).isEqualTo("1");
    assertThat(v1.getStatus()).isEqualTo(ModelRegistry.ModelVersionStatus.READY);
    ModelRegistry.ModelVersion v2 = createVersion("compat-model", "runs:/" + run + "/model2", run);
    assertThat(v2.getVersion()).isEqualTo("2");

    client.sendPost("registered-models/alias",
        "{\"name\":\"compat-model\",\"alias\":\"champion\",\"version\":\"1\"}");
    ModelRegistry.GetModelVersionByAlias.Response byAlias = parse(
        client.sendGet("registered-models/alias?name=compat-model&alias=champion"),
        ModelRegistry.GetModelVersionByAlias.Response.newBuilder());
    assertThat(byAlias.getModelVersion().getVersion()).isEqualTo("1");
    assertThat(byAlias.getModelVersion().getAliasesList()).containsExactly("champion");

    ModelRegistry.RegisteredModel model = client.getRegisteredModel("compat-model");
    assertThat(model.getAliasesList()).extracting(ModelRegistry.RegisteredModelAlias::getAlias,
        ModelRegistry.RegisteredModelAlias::getVersion).containsExactly(org.assertj.core.groups.Tuple.tuple("champion", "1"));
    assertThat(model.getTagsList()).extracting(ModelRegistry.RegisteredModelTag::getKey).containsExactly("team");

    ModelRegistry.ModelVersion got = client.getModelVersion("compat-model", "2");
    assertThat(got.getSource()).isEqualTo("runs:/" + run + "/model2");
    assertThat(got.getRunId()).isEqualTo(run);
    assertThat(got.getCurrentStage()).isEqualTo("None");

    ModelVersionsPage page = client.searchModelVersions("name = 'compat-model'");
    assertThat(page.getItems()).extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("2", "1");
    ModelVersionsPage byRun = client.searchModelVersions("run_id = '" + run + "'", 1, List.of("version_number ASC"));
    assertThat(byRun.getItems()).extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("1");
    assertThat(byRun.hasNextPage()).isTrue();
    assertThat(byRun.getNextPage().getItems()).extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("2");

    client.sendPost("model-versions/transition-stage",
        "{\"name\":\"compat-model\",\"version\":\"1\",\"stage\":\"Production\",\"archive_existing_versions\":false}");
    assertThat(client.getLatestVersions("compat-model", List.of("Production")))
        .extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("1");
    assertThat(client.getLatestVersions("compat-model")).extracting(ModelRegistry.ModelVersion::getVersion)
        .containsExactlyInAnyOrder("1", "2");

    String runArtifacts = client.getRun(run).getInfo().getArtifactUri();
    assertThat(client.getModelVersionDownloadUri("compat-model", "2")).isEqualTo(runArtifacts + "/model2");
  }

  @Test
  void registryErrorsReachTheClientWithMlflowCodes() {
    assertThatThrownBy(() -> client.getRegisteredModel("compat-missing"))
        .isInstanceOf(MlflowClientException.class).hasMessageContaining("RESOURCE_DOES_NOT_EXIST");
    assertThatThrownBy(() -> client.getModelVersion("compat-missing", "1"))
        .isInstanceOf(MlflowClientException.class).hasMessageContaining("RESOURCE_DOES_NOT_EXIST");
    client.sendPost("registered-models/create", "{\"name\":\"compat-dup-model\"}");
    assertThatThrownBy(() -> client.sendPost("registered-models/create", "{\"name\":\"compat-dup-model\"}"))
        .isInstanceOf(MlflowClientException.class).hasMessageContaining("RESOURCE_ALREADY_EXISTS");
    client.sendPost("model-versions/create", "{\"name\":\"compat-dup-model\",\"source\":\"s3://b/m\"}");
    assertThatThrownBy(() -> client.sendPost("registered-models/alias",
        "{\"name\":\"compat-dup-model\",\"alias\":\"latest\",\"version\":\"1\"}"))
        .isInstanceOf(MlflowClientException.class).hasMessageContaining("INVALID_PARAMETER_VALUE");
  }
}
