package dev.cairn.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.data.version.DatasetRef;
import dev.cairn.data.version.DatasetVersionStore;
import dev.cairn.data.version.DatasetVersioning;
import dev.cairn.data.version.StatCache;
import dev.cairn.data.version.TableProfiler;
import dev.cairn.pipeline.Pipeline;
import dev.cairn.pipeline.PipelineExecutor;
import dev.cairn.pipeline.PipelineRun;
import dev.cairn.pipeline.PipelineStatus;
import dev.cairn.pipeline.PipelineStore;
import dev.cairn.pipeline.RunOptions;
import dev.cairn.pipeline.StepStatus;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset and validate steps through the executor, on SQLite and a file artifact store. */
class DataStepsTest {
  @TempDir Path dir;
  MetadataStore tracking;
  ArtifactStore artifacts;
  DatasetVersioning datasets;
  PipelineExecutor executor;
  RunOptions options;

  @BeforeEach
  void open() throws IOException {
    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"),
        List.of(PipelineStore.MIGRATIONS, DatasetVersionStore.MIGRATIONS));
    artifacts = ArtifactStores.open(dir.resolve("artifacts").toString());
    tracking = MetadataStores.open(db, artifacts.rootUri());
    datasets = new DatasetVersioning(DatasetVersionStore.onOwned(db), artifacts, StatCache.open(dir.resolve("statcache")),
        TableProfiler.NONE);
    executor = new PipelineExecutor(tracking, artifacts, PipelineStore.on(db));
    options = RunOptions.defaults().withWorkRoot(dir.resolve("work")).withParallelism(2);
    Files.createDirectories(dir.resolve("raw"));
    Files.writeString(dir.resolve("raw/people.csv"), "id,age\n1,30\n2,40\n3,50\n");
    Files.writeString(dir.resolve("suite.yaml"), """
        name: people
        expectations:
          - kind: range
            column: age
            min: 0
            max: 120
        """);
  }

  @AfterEach
  void close() {
    tracking.close();
    artifacts.close();
  }

  private Pipeline pipeline() {
    return Pipeline.builder("people")
        .step("load", new LoadDataset(datasets, dir), s -> s.param("name", "people").param("path", "raw"))
        .step("check", new ValidateTable(dir), s -> s.input("data", "load.data").param("suite", "suite.yaml"))
        .build();
  }

  private String read(String path) throws IOException {
    try (InputStream in = artifacts.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void rawFilesBecomeADatasetVersionWhoseTableIsCheckedAndPassedOn() throws IOException {
    PipelineRun run = executor.run(pipeline(), options, e -> { });

    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(datasets.show(DatasetRef.parse("people")).version()).isEqualTo(1);
    assertThat(read(run.latest("check").outputs().stream().filter(a -> a.name().equals("data")).findFirst()
        .orElseThrow().path())).isEqualTo("id,age\n1,30\n2,40\n3,50\n");
    assertThat(read(run.latest("check").outputs().stream().filter(a -> a.name().equals("report")).findFirst()
        .orElseThrow().path())).contains("\"success\":true");
    // the version is a dataset input of the pipeline's run, where lineage looks
    assertThat(tracking.getRun(run.runId()).inputs()).singleElement()
        .satisfies(i -> assertThat(i.source()).isEqualTo("cairn-dataset:people@1"));
  }

  @Test
  void unchangedFilesAreCacheHitsAndChangedOnesANewVersionAndARerun() throws IOException {
    executor.run(pipeline(), options, e -> { });
    PipelineRun again = executor.run(pipeline(), options, e -> { });
    assertThat(again.latest("load").status()).isEqualTo(StepStatus.CACHED);
    assertThat(again.latest("check").status()).isEqualTo(StepStatus.CACHED);
    // served from the cache, the load still names its data on the new run, for lineage
    assertThat(tracking.getRun(again.runId()).inputs()).singleElement()
        .satisfies(i -> assertThat(i.source()).isEqualTo("cairn-dataset:people@1"));

    Files.writeString(dir.resolve("raw/people.csv"), "id,age\n1,30\n2,40\n3,50\n4,60\n");
    PipelineRun changed = executor.run(pipeline(), options, e -> { });
    assertThat(changed.latest("load").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(changed.latest("check").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(datasets.show(DatasetRef.parse("people")).version()).isEqualTo(2);

    // editing the suite re-runs the check alone
    Files.writeString(dir.resolve("suite.yaml"), Files.readString(dir.resolve("suite.yaml")).replace("120", "110"));
    PipelineRun edited = executor.run(pipeline(), options, e -> { });
    assertThat(edited.latest("load").status()).isEqualTo(StepStatus.CACHED);
    assertThat(edited.latest("check").status()).isEqualTo(StepStatus.SUCCEEDED);
  }

  @Test
  void anErrorExpectationFailsTheRunAndNamesTheCheck() throws IOException {
    Files.writeString(dir.resolve("raw/people.csv"), "id,age\n1,30\n2,400\n");
    PipelineRun run = executor.run(pipeline(), options, e -> { });

    assertThat(run.status()).isEqualTo(PipelineStatus.FAILED);
    assertThat(run.latest("check").status()).isEqualTo(StepStatus.FAILED);
    assertThat(run.latest("check").error()).contains("1 expectation(s) of severity error failed", "range age");
  }

  @Test
  void aMissingTableOrPathFailsTheLoadWithWhatExists() throws IOException {
    Pipeline p = Pipeline.builder("people")
        .step("load", new LoadDataset(datasets, dir), s -> s.param("name", "people").param("path", "nowhere"))
        .build();
    PipelineRun run = executor.run(p, options, e -> { });
    assertThat(run.latest("load").error()).contains("dataset path 'nowhere'", "does not exist");

    Files.writeString(dir.resolve("raw/more.csv"), "id\n1\n");
    Pipeline two = Pipeline.builder("people")
        .step("load", new LoadDataset(datasets, dir), s -> s.param("name", "people").param("path", "raw"))
        .build();
    assertThat(executor.run(two, options, e -> { }).latest("load").error())
        .contains("holds 2 tables (more.csv, people.csv)", "parameter 'table'");
  }
}
