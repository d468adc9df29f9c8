package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.frame.NumericColumn;
import dev.cairn.pipeline.Pipeline;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.PipelineStatus;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.RunOptions;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.pipeline.StepRun;
import dev.cairn.pipeline.StepSpec;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.Step;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.ViewType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** split, transform, train, evaluate and search through the executor on a small table with a known signal. */
class MlStepsTest {
  @TempDir Path dir;
  MetadataStore tracking;
  ArtifactStore artifacts;
  PipelineExecutor executor;
  RunOptions options;

  /** A table as output "data": y is 1 when x is large, with 10% of labels flipped; g is an irrelevant group. */
  public static final class Table implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().output("data", "table").build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      SplittableRandom r = new SplittableRandom(5);
      StringBuilder csv = new StringBuilder("id,x,g,y\n");
      for (int i = 0; i < 400; i++) {
        double x = r.nextDouble() * 10;
        boolean y = x > 5 ^ r.nextDouble() < 0.1;
        csv.append(String.format(Locale.ROOT, "%d,%.3f,%s,%d%n", i, x, r.nextBoolean() ? "a" : "b", y ? 1 : 0));
      }
      context.writeOutput("data", csv.toString());
    }
  }

  @BeforeEach
  void open() {
    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
    artifacts = ArtifactStores.open(dir.resolve("artifacts").toString());
    tracking = MetadataStores.open(db, artifacts.rootUri());
    executor = new PipelineExecutor(tracking, artifacts, PipelineStore.on(db));
    options = RunOptions.defaults().withWorkRoot(dir.resolve("work")).withParallelism(2);
  }

  @AfterEach
  void close() {
    tracking.close();
    artifacts.close();
  }

  private Pipeline.Builder prefix() {
    return Pipeline.builder("ml")
        .step("data", new Table())
        .step("split", new SplitTable(), s -> s.input("data", "data.data").param("stratify", "y").param("seed", 3L))
        .step("transform", new FitTransforms(dir), s -> s.input("train", "split.train").param("label", "y")
            .param("exclude", "id"));
  }

  private StepArtifact output(StepRun step, String name) {
    return step.outputs().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }

  private Path file(StepArtifact a, String name) throws IOException {
    Path f = dir.resolve("read").resolve(name);
    Files.createDirectories(f.getParent());
    try (InputStream in = artifacts.open(a.path())) {
      Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return f;
  }

  @Test
  void splitTransformTrainEvaluateOnHeldOutRows() throws IOException {
    PipelineRun run = executor.run(prefix()
        .step("train", new TrainModel(), s -> s.input("train", "split.train").input("features", "transform.features")
            .param("label", "y").param("algorithm", "logistic_regression").param("epochs", 20L))
        .step("evaluate", new EvaluateModel(), s -> s.input("model", "train.model").input("test", "split.test")
            .param("slices", "g").param("min_slice_size", 5L))
        .build(), options, e -> { });
    assertThat(run.status()).as(String.valueOf(run.steps())).isEqualTo(PipelineStatus.SUCCEEDED);

    Frame train = Frame.read(file(output(run.latest("split"), "train"), "train.csv"));
    Frame test = Frame.read(file(output(run.latest("split"), "test"), "test.csv"));
    assertThat(train.rowCount() + test.rowCount()).isEqualTo(400);
    assertThat(test.rowCount()).isEqualTo(80);

    // the transforms were fitted on the training rows only: the standardised x's mean is the train split's
    JsonNode fitted = Json.MAPPER.readTree(file(output(run.latest("transform"), "features"), "features.json").toFile());
    double trainMean = Arrays.stream(((NumericColumn) train.column("x")).values()).average().orElseThrow();
    assertThat(fitted.toString()).contains(String.valueOf(trainMean).substring(0, 6));

    // the evaluation's accuracy is what the bundle's own predictions on the test rows give
    Path bundleDir = dir.resolve("bundle");
    Archives.unzip(file(output(run.latest("train"), "model"), "model.zip"), bundleDir);
    ModelBundle bundle = ModelBundle.load(bundleDir);
    String[] predicted = bundle.predict(test).labels();
    double[] truth = ((NumericColumn) test.column("y")).values();
    int right = 0;
    for (int i = 0; i < truth.length; i++) {
      right += predicted[i].equals(String.valueOf((long) truth[i])) ? 1 : 0;
    }
    JsonNode evaluation = Json.MAPPER.readTree(file(output(run.latest("evaluate"), "evaluation"), "e.json").toFile());
    assertThat(evaluation.path("metrics").path("accuracy").asDouble()).isEqualTo((double) right / truth.length);
    assertThat(evaluation.path("metrics").path("accuracy").asDouble()).isGreaterThan(0.8);
    assertThat(evaluation.path("slices").toString()).contains("\"g\"");
    assertThat(evaluation.path("importance").toString()).contains("\"x\"");
    // logged on the pipeline's run for MLflow clients
    assertThat(tracking.getRun(run.runId()).metrics()).anySatisfy(m -> assertThat(m.key()).isEqualTo("roc_auc"));
  }

  @Test
  void trainFlagsThePersonalColumnsItIsGivenInTheBundlesInputSchema() throws IOException {
    PipelineRun run = executor.run(prefix()
        .step("train", new TrainModel(), s -> s.input("train", "split.train").input("features", "transform.features")
            .param("label", "y").param("personal", " g ,"))
        .build(), options, e -> { });
    assertThat(run.status()).as(String.valueOf(run.steps())).isEqualTo(PipelineStatus.SUCCEEDED);
    Path bundleDir = dir.resolve("bundle");
    Archives.unzip(file(output(run.latest("train"), "model"), "model.zip"), bundleDir);
    ModelBundle bundle = ModelBundle.load(bundleDir);
    assertThat(bundle.manifest().inputSchema()).anySatisfy(f -> {
      assertThat(f.name()).isEqualTo("g");
      assertThat(f.personal()).isTrue();
    }).anySatisfy(f -> {
      assertThat(f.name()).isEqualTo("x");
      assertThat(f.personal()).isFalse();
    });

    PipelineRun bad = executor.run(prefix()
        .step("train", new TrainModel(), s -> s.input("train", "split.train").input("features", "transform.features")
            .param("label", "y").param("personal", "email"))
        .build(), options, e -> { });
    assertThat(bad.latest("train").error()).contains("personal field 'email' is not an input column", "g", "x");
  }

  @Test
  void searchRecordsEveryTrialAsAChildRunAndBundlesTheBest() throws IOException {
    PipelineRun run = executor.run(prefix()
        .step("search", new SearchHyperparameters(), s -> s.input("train", "split.train")
            .input("features", "transform.features").param("label", "y").param("algorithm", "cart")
            .param("grid", "max_depth=1,3; min_child_weight=1,10").param("metric", "accuracy"))
        .build(), options, e -> { });
    assertThat(run.status()).as(String.valueOf(run.steps())).isEqualTo(PipelineStatus.SUCCEEDED);

    String stepRun = run.latest("search").stepRunId();
    List<Run> trials = tracking.searchRuns(List.of(tracking.getRun(stepRun).info().experimentId()),
        "tags.mlflow.parentRunId = '" + stepRun + "'", ViewType.ACTIVE_ONLY, 100, List.of(), null).items();
    assertThat(trials).hasSize(4);
    JsonNode result = Json.MAPPER.readTree(file(output(run.latest("search"), "trials"), "t.json").toFile());
    double best = result.path("best_score").asDouble();
    assertThat(trials).allSatisfy(t -> assertThat(t.metrics()).singleElement()
        .satisfies(m -> assertThat(m.value()).isLessThanOrEqualTo(best)));
    assertThat(result.path("trials")).hasSize(4);

    // an unknown hyperparameter for the algorithm is refused with the ones it takes
    PipelineRun bad = executor.run(prefix()
        .step("search", new SearchHyperparameters(), s -> s.input("train", "split.train")
            .input("features", "transform.features").param("label", "y").param("algorithm", "cart")
            .param("grid", "epochs=1,2"))
        .build(), options, e -> { });
    assertThat(bad.latest("search").error()).contains("'epochs' does not apply to cart", "max_depth");
  }
}
