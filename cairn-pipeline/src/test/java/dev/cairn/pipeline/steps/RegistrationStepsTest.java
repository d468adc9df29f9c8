package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.audit.AuditEvent;
import dev.cairn.ml.eval.ClassificationPredictions;
import dev.cairn.ml.eval.Evaluator;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Pipeline;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.PipelineStatus;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.RunOptions;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.StepStatus;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.PromotionRequest;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.audit.AuditLog;
import dev.cairn.store.loggedmodels.LoggedModel;
import dev.cairn.store.loggedmodels.LoggedModelStatus;
import dev.cairn.store.loggedmodels.LoggedModelStore;
import dev.cairn.store.registry.ModelRegistryStore;
import dev.cairn.store.registry.PromotionStore;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate and register steps: baselines from the alias holder, logged model and version, protected aliases. */
class RegistrationStepsTest {
  @TempDir Path dir;
  SqlDatabase db;
  MetadataStore tracking;
  ArtifactStore artifacts;
  ModelRegistryStore registry;
  PromotionStore promotions;
  LoggedModelStore loggedModels;
  PipelineExecutor executor;
  RunOptions options;

  /** Stands for training: a bundle folder (archived) and an evaluation whose accuracy is the parameter. */
  public static final class Trained implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("model", "bundle").output("evaluation", "evaluation")
          .param("correct", ParamType.INTEGER, 8L).build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      Path bundle = Files.createDirectories(context.workDir().resolve("bundle"));
      Files.writeString(bundle.resolve("bundle.json"), "{\"format\":1,\"correct\":" + context.integerParam("correct") + "}");
      Files.writeString(bundle.resolve("model.bin"), "weights");
      Archives.zip(bundle, context.outputFile("model"));
      int correct = (int) context.integerParam("correct");
      String[] actual = new String[10];
      double[][] probs = new double[10][];
      for (int i = 0; i < 10; i++) {
        actual[i] = i % 2 == 0 ? "yes" : "no";
        boolean right = i < correct;
        double pYes = (actual[i].equals("yes")) == right ? 0.8 : 0.2;
        probs[i] = new double[] {pYes, 1 - pYes};
      }
      var eval = Evaluator.evaluate(ClassificationPredictions.fromProbabilities(List.of("yes", "no"), actual, probs),
          List.of(), 1);
      context.writeOutput("evaluation", eval.toJson());
    }
  }

  @BeforeEach
  void open() {
    db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
    artifacts = ArtifactStores.open(dir.resolve("artifacts").toString());
    tracking = MetadataStores.open(db, artifacts.rootUri());
    registry = ModelRegistryStore.on(db);
    promotions = PromotionStore.on(db, registry);
    loggedModels = LoggedModelStore.on(db);
    executor = new PipelineExecutor(tracking, artifacts, PipelineStore.on(db));
    options = RunOptions.defaults().withWorkRoot(dir.resolve("work")).withParallelism(2);
  }

  @AfterEach
  void close() {
    tracking.close();
    artifacts.close();
  }

  private Pipeline pipeline(long correct, String checks) {
    return Pipeline.builder("churn")
        .step("train", new Trained(), s -> s.param("correct", correct))
        .step("gate", new GateStep(new Baselines(registry, artifacts, loggedModels)),
            s -> s.input("evaluation", "train.evaluation").param("checks", checks).param("model", "churn"))
        .step("register", new RegisterModel(new RegisterModel.Services(tracking, artifacts, loggedModels, registry,
            promotions)), s -> s.input("model", "train.model").input("evaluation", "train.evaluation")
            .input("decision", "gate.decision").param("name", "churn").param("alias", "champion"))
        .build();
  }

  @Test
  void aPassingModelBecomesALoggedModelAndAVersionHoldingTheAlias() {
    PipelineRun run = executor.run(pipeline(8, "accuracy >= 0.7; accuracy >= baseline - 0.05"), options, e -> { });

    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    ModelVersion v = registry.getModelVersionByAlias("churn", "champion");
    assertThat(v.version()).isEqualTo(1);
    assertThat(v.runId()).isEqualTo(run.runId());
    LoggedModel logged = loggedModels.get(v.modelId());
    assertThat(logged.status()).isEqualTo(LoggedModelStatus.READY);
    assertThat(logged.sourceRunId()).isEqualTo(run.runId());
    assertThat(v.source()).isEqualTo("models:/" + logged.modelId());
    String base = PipelineExecutor.storePath(logged.artifactLocation(), artifacts.rootUri());
    for (String file : List.of("bundle.json", "model.bin", "MLmodel", "evaluation.json")) {
      assertThat(artifacts.stat(base + "/" + file)).as(file).isNotNull();
    }
    assertThat(logged.metrics()).anySatisfy(m -> {
      assertThat(m.key()).isEqualTo("accuracy");
      assertThat(m.value()).isEqualTo(0.8);
    });
    assertThat(tracking.getRun(run.runId()).metrics()).anySatisfy(m -> assertThat(m.key()).isEqualTo("accuracy"));
    // the first run had no baseline: its change threshold was skipped, and the decision says so
    assertThat(run.latest("gate").status()).isEqualTo(StepStatus.SUCCEEDED);
    try (java.io.InputStream in = artifacts.open(run.latest("gate").outputs().get(0).path())) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("no baseline: change thresholds skipped", "\"passed\":true");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // every registry change of the step is in the audit log, under the OS user and the pipeline run
    List<AuditEvent> events = new AuditLog(db).search(new AuditLog.Query(null, null, null, null, null, false, 100,
        null)).items();
    assertThat(events).extracting(AuditEvent::requestId).contains(run.runId());
  }

  @Test
  void aWorseModelFailsTheChangeThresholdAgainstTheAliasHolderAndIsNotRegistered() {
    executor.run(pipeline(8, "accuracy >= 0.5; accuracy >= baseline - 0.05"), options, e -> { });
    PipelineRun worse = executor.run(pipeline(6, "accuracy >= 0.5; accuracy >= baseline - 0.05"), options, e -> { });

    assertThat(worse.status()).isEqualTo(PipelineStatus.FAILED);
    assertThat(worse.latest("gate").error()).contains("gate failed", "baseline");
    assertThat(worse.latest("register").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(registry.getModelVersionByAlias("churn", "champion").version()).isEqualTo(1);

    PipelineRun better = executor.run(pipeline(9, "accuracy >= 0.5; accuracy >= baseline - 0.05"), options, e -> { });
    assertThat(better.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(registry.getModelVersionByAlias("churn", "champion").version()).isEqualTo(2);
  }

  @Test
  void aProtectedAliasGetsAPromotionRequestWithTheEvidenceNotAMove() {
    executor.run(pipeline(8, "accuracy >= 0.5"), options, e -> { });
    promotions.setPolicy("churn", "champion", 1, "admin");

    PipelineRun run = executor.run(pipeline(9, "accuracy >= 0.5"), options, e -> { });

    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(registry.getModelVersionByAlias("churn", "champion").version()).as("not moved").isEqualTo(1);
    List<PromotionRequest> pending = promotions.list("churn", PromotionRequest.Status.PENDING, 10, null).items();
    assertThat(pending).singleElement().satisfies(r -> {
      assertThat(r.version()).isEqualTo(2);
      assertThat(r.evidenceJson()).contains("\"accuracy\":0.9", "gate passed", run.runId());
    });
  }
}
