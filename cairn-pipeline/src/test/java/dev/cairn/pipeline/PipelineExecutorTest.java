package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Execution, recording and caching on SQLite; {@link PipelineExecutorPostgresTest} runs it on PostgreSQL. */
class PipelineExecutorTest {
  @TempDir Path dir;
  MetadataStore tracking;
  ArtifactStore artifacts;
  PipelineStore store;
  PipelineExecutor executor;
  RunOptions options;
  final List<PipelineEvent> events = new CopyOnWriteArrayList<>();

  final TestSteps.Source source = new TestSteps.Source();
  final TestSteps.Upper upper = new TestSteps.Upper();

  SqlDatabase openDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
  }

  @BeforeEach
  void open() {
    SqlDatabase db = openDatabase();
    artifacts = ArtifactStores.open(dir.resolve("artifacts").toString());
    tracking = MetadataStores.open(db, artifacts.rootUri());
    store = PipelineStore.on(db);
    executor = new PipelineExecutor(tracking, artifacts, store);
    options = RunOptions.defaults().withWorkRoot(dir.resolve("work")).withParallelism(2);
  }

  @AfterEach
  void close() {
    tracking.close(); // closes the database too
    artifacts.close();
  }

  private Pipeline twoSteps() {
    return Pipeline.builder("demo")
        .step("load", source, s -> s.param("count", 2))
        .step("shout", upper, s -> s.input("data", "load.data"))
        .build();
  }

  private PipelineRun run(Pipeline p) {
    return executor.run(p, options, events::add);
  }

  private String read(StepArtifact a) throws IOException {
    try (InputStream in = artifacts.open(a.path())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String sha(String s) {
    return Hashing.sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void runsStepsAndRecordsThemAsMlflowParentAndChildRuns() throws IOException {
    PipelineRun run = run(twoSteps());

    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(run.pipelineName()).isEqualTo("demo");
    StepRun load = run.latest("load");
    StepRun shout = run.latest("shout");
    assertThat(load.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(shout.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(read(shout.output("data"))).isEqualTo("ROWS:HELLO\nROWS:HELLO\n");
    assertThat(shout.output("data").sha256()).isEqualTo(sha("ROWS:HELLO\nROWS:HELLO\n"));
    assertThat(shout.inputs()).singleElement().satisfies(in -> {
      assertThat(in.name()).isEqualTo("data");
      assertThat(in.sha256()).isEqualTo(load.output("data").sha256()).isEqualTo(sha("rows:hello\nrows:hello\n"));
    });
    assertThat(shout.durationMillis()).isNotNull().isGreaterThanOrEqualTo(0L);
    assertThat(shout.params()).containsEntry("l2", 0.01).containsEntry("verbose", false);

    Run parent = tracking.getRun(run.runId());
    assertThat(parent.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(parent.tags()).contains(new Tag(PipelineExecutor.TAG_PIPELINE, "demo"));
    Run child = tracking.getRun(shout.stepRunId());
    assertThat(child.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(child.info().runName()).isEqualTo("shout");
    assertThat(child.tags()).contains(new Tag("mlflow.parentRunId", run.runId()),
        new Tag(PipelineExecutor.TAG_STEP, "shout"), new Tag(PipelineExecutor.TAG_CACHE_KEY, shout.cacheKey()));
    assertThat(child.params()).extracting(p -> p.key() + "=" + p.value())
        .contains("l2=0.01", "verbose=false");
    // outputs live under the step run's own artifact location
    assertThat(shout.output("data").path()).startsWith("0/" + shout.stepRunId() + "/artifacts/outputs/");

    try (InputStream log = artifacts.open(load.logPath())) {
      assertThat(new String(log.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("writing 2 copies\n");
    }
    assertThat(events).extracting(e -> e.kind() + (e.stepName() == null ? "" : ":" + e.stepName()))
        .containsExactly("PIPELINE_STARTED", "STEP_STARTED:load", "STEP_FINISHED:load", "STEP_STARTED:shout",
            "STEP_FINISHED:shout", "PIPELINE_FINISHED");
  }

  @Test
  void secondRunIsAllCacheHitsRecordedOnTheStepRuns() {
    PipelineRun first = run(twoSteps());
    events.clear();
    PipelineRun second = run(twoSteps());

    assertThat(source.runs).hasValue(1);
    assertThat(upper.runs).hasValue(1);
    for (String step : List.of("load", "shout")) {
      StepRun hit = second.latest(step);
      assertThat(hit.status()).isEqualTo(StepStatus.CACHED);
      assertThat(hit.cachedFrom()).isEqualTo(first.latest(step).stepRunId());
      assertThat(hit.outputs()).isEqualTo(first.latest(step).outputs());
      assertThat(hit.cacheKey()).isEqualTo(first.latest(step).cacheKey());
      assertThat(tracking.getRun(hit.stepRunId()).tags())
          .contains(new Tag(PipelineExecutor.TAG_CACHED_FROM, hit.cachedFrom()), new Tag("mlflow.parentRunId",
              second.runId()));
    }
    assertThat(events).filteredOn(e -> e.kind() == PipelineEvent.Kind.STEP_CACHED).hasSize(2);
  }

  @Test
  void changedExternalStateMissesTheCacheAndAFailedLookUpFailsTheStep() throws IOException {
    TestSteps.Outside outside = new TestSteps.Outside();
    Pipeline p = Pipeline.builder("demo")
        .step("read", outside, s -> { })
        .step("shout", upper, s -> s.input("data", "read.data"))
        .build();
    run(p);
    assertThat(run(p).latest("read").status()).as("same state: a hit").isEqualTo(StepStatus.CACHED);
    outside.state.set("v2");
    PipelineRun changed = run(p);
    assertThat(changed.latest("read").status()).as("the source changed: no stale hit").isEqualTo(StepStatus.SUCCEEDED);
    assertThat(read(changed.latest("shout").outputs().get(0))).isEqualTo("READ V2");
    assertThat(outside.runs).hasValue(2);

    outside.state.set(null);
    PipelineRun failed = run(p);
    assertThat(failed.status()).isEqualTo(PipelineStatus.FAILED);
    assertThat(failed.latest("read").status()).isEqualTo(StepStatus.FAILED);
    assertThat(failed.latest("read").error()).contains("outside the pipeline", "the source is gone");
    assertThat(failed.latest("shout").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(outside.runs).hasValue(2);
  }

  @Test
  void changedParametersMissTheCache() {
    run(twoSteps());
    PipelineRun changed = run(twoSteps().withOverrides(List.of("shout.l2=0.02")));
    assertThat(changed.latest("load").status()).isEqualTo(StepStatus.CACHED);
    assertThat(changed.latest("shout").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(upper.runs).hasValue(2);
  }

  @Test
  void changedInputHashMissesTheCacheAndAnEqualOneHits() {
    Pipeline p = Pipeline.builder("demo")
        .step("load", source, s -> s.cache(false))
        .step("shout", upper, s -> s.input("data", "load.data"))
        .build();
    run(p);
    PipelineRun sameInput = run(p); // load re-runs (cache: false) but writes the same bytes
    assertThat(sameInput.latest("load").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(sameInput.latest("shout").status()).isEqualTo(StepStatus.CACHED);

    source.content.set("other rows");
    PipelineRun newInput = run(p);
    assertThat(newInput.latest("shout").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(source.runs).hasValue(3);
    assertThat(upper.runs).hasValue(2);
  }

  @Test
  void changedFingerprintMissesTheCache() {
    run(twoSteps());
    TestSteps.Upper upperV2 = new TestSteps.Upper("2");
    PipelineRun changed = run(Pipeline.builder("demo")
        .step("load", source, s -> s.param("count", 2))
        .step("shout", upperV2, s -> s.input("data", "load.data"))
        .build());
    assertThat(changed.latest("load").status()).isEqualTo(StepStatus.CACHED);
    assertThat(changed.latest("shout").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(upperV2.runs).hasValue(1);
  }

  @Test
  void changedCairnVersionMissesTheCache() {
    run(twoSteps());
    PipelineRun changed = executor.run(twoSteps(), options.withCairnVersion("99.0"), events::add);
    assertThat(changed.steps()).extracting(StepRun::status).containsOnly(StepStatus.SUCCEEDED);
    assertThat(source.runs).hasValue(2);
  }

  @Test
  void cacheKeyCoversEachPartSeparately() {
    String base = CacheKeys.of("a.Step@1", Map.of("x", 1L), Map.of("data", sha("d")), "1.0");
    assertThat(CacheKeys.of("a.Step@1", Map.of("x", 1L), Map.of("data", sha("d")), "1.0")).isEqualTo(base);
    assertThat(CacheKeys.of("a.Step@2", Map.of("x", 1L), Map.of("data", sha("d")), "1.0")).isNotEqualTo(base);
    assertThat(CacheKeys.of("a.Step@1", Map.of("x", 2L), Map.of("data", sha("d")), "1.0")).isNotEqualTo(base);
    assertThat(CacheKeys.of("a.Step@1", Map.of("x", 1.0), Map.of("data", sha("d")), "1.0")).isNotEqualTo(base);
    assertThat(CacheKeys.of("a.Step@1", Map.of("x", 1L), Map.of("data", sha("e")), "1.0")).isNotEqualTo(base);
    assertThat(CacheKeys.of("a.Step@1", Map.of("x", 1L), Map.of("data", sha("d")), "1.1")).isNotEqualTo(base);
    // parameter order does not matter: keys are sorted
    assertThat(CacheKeys.of("s", new java.util.LinkedHashMap<>(Map.of("a", 1L)) {{ put("b", 2L); }}, Map.of(), "v"))
        .isEqualTo(CacheKeys.of("s", new java.util.LinkedHashMap<>(Map.of("b", 2L)) {{ put("a", 1L); }}, Map.of(),
            "v"));
  }

  @Test
  void deletedOrChangedOutputsBustTheCacheAndTheRerunReplacesTheEntry() {
    PipelineRun first = run(twoSteps());
    StepRun load = first.latest("load");
    artifacts.delete(load.output("data").path());

    PipelineRun second = run(twoSteps());
    assertThat(second.latest("load").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(second.latest("shout").status()).isEqualTo(StepStatus.CACHED); // same bytes again: its input hash holds
    assertThat(source.runs).hasValue(2);
    assertThat(store.findCached(load.cacheKey()).orElseThrow().stepRunId())
        .isEqualTo(second.latest("load").stepRunId());

    // the same size, other bytes: the recorded hash no longer matches
    StepArtifact shoutOut = first.latest("shout").output("data");
    String forged = "X".repeat((int) shoutOut.size());
    artifacts.put(shoutOut.path(), new ByteArrayInputStream(forged.getBytes(StandardCharsets.UTF_8)));
    PipelineRun third = run(twoSteps());
    assertThat(third.latest("load").status()).isEqualTo(StepStatus.CACHED);
    assertThat(third.latest("shout").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(upper.runs).hasValue(2);

    PipelineRun fourth = run(twoSteps());
    assertThat(fourth.steps()).extracting(StepRun::status).containsOnly(StepStatus.CACHED);
    assertThat(fourth.latest("shout").cachedFrom()).isEqualTo(third.latest("shout").stepRunId());
  }

  @Test
  void noCacheRunsEveryStepAndRefreshesTheCache() {
    run(twoSteps());
    PipelineRun fresh = executor.run(twoSteps(), options.withNoCache(true), events::add);
    assertThat(fresh.steps()).extracting(StepRun::status).containsOnly(StepStatus.SUCCEEDED);
    assertThat(source.runs).hasValue(2);
    PipelineRun after = run(twoSteps());
    assertThat(after.latest("shout").cachedFrom()).isEqualTo(fresh.latest("shout").stepRunId());
  }

  @Test
  void stepWithCacheFalseRunsEveryTimeWhileOthersHit() {
    Pipeline p = Pipeline.builder("demo")
        .step("load", source)
        .step("shout", upper, s -> s.input("data", "load.data").cache(false))
        .build();
    run(p);
    PipelineRun again = run(p);
    assertThat(again.latest("load").status()).isEqualTo(StepStatus.CACHED);
    assertThat(again.latest("shout").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(upper.runs).hasValue(2);
    assertThat(store.findCached(again.latest("shout").cacheKey())).isEmpty();
  }

  private Pipeline diamondWithFailure(TestSteps.Upper failing, TestSteps.Join join, TestSteps.Upper side) {
    return Pipeline.builder("branches")
        .step("load", source)
        .step("bad", failing, s -> s.input("data", "load.data"))
        .step("after", join, s -> s.input("left", "bad.data").input("right", "load.data"))
        .step("side", side, s -> s.input("data", "load.data"))
        .build();
  }

  @Test
  void failedStepFailsTheRunSkipsDownstreamAndLetsIndependentBranchesFinish() throws IOException {
    TestSteps.Upper failing = new TestSteps.Upper();
    failing.fail = true;
    TestSteps.Upper side = new TestSteps.Upper("side");
    PipelineRun run = run(diamondWithFailure(failing, new TestSteps.Join(), side));

    assertThat(run.status()).isEqualTo(PipelineStatus.FAILED);
    assertThat(run.error()).isEqualTo("step 'bad' failed: IllegalStateException: boom in bad");
    assertThat(run.latest("bad").status()).isEqualTo(StepStatus.FAILED);
    assertThat(run.latest("bad").error()).isEqualTo("IllegalStateException: boom in bad");
    assertThat(run.latest("after").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(run.latest("after").error()).contains("upstream step bad did not finish");
    assertThat(run.latest("side").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(tracking.getRun(run.runId()).info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(tracking.getRun(run.latest("bad").stepRunId()).info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(tracking.getRun(run.latest("after").stepRunId()).info().status()).isEqualTo(RunStatus.KILLED);
    try (InputStream log = artifacts.open(run.latest("bad").logPath())) {
      assertThat(new String(log.readAllBytes(), StandardCharsets.UTF_8))
          .contains("step failed: IllegalStateException: boom in bad")
          .contains("at dev.cairn.pipeline.TestSteps$Upper.run");
    }
    assertThat(events).filteredOn(e -> e.kind() == PipelineEvent.Kind.STEP_FAILED).singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("IllegalStateException: boom in bad"));
    assertThat(events).filteredOn(e -> e.kind() == PipelineEvent.Kind.STEP_SKIPPED).singleElement()
        .satisfies(e -> assertThat(e.stepName()).isEqualTo("after"));
  }

  @Test
  void resumeRerunsFromTheFailureReusingFinishedSteps() {
    TestSteps.Upper failing = new TestSteps.Upper();
    failing.fail = true;
    TestSteps.Join join = new TestSteps.Join();
    TestSteps.Upper side = new TestSteps.Upper("side");
    Pipeline p = diamondWithFailure(failing, join, side);
    RunOptions noCache = options.withNoCache(true); // reuse must come from the run itself, not the cache
    PipelineRun failed = executor.run(p, noCache, events::add);
    assertThat(failed.status()).isEqualTo(PipelineStatus.FAILED);

    failing.fail = false;
    events.clear();
    PipelineRun resumed = executor.resume(failed.runId(), p, noCache, events::add);

    assertThat(resumed.runId()).isEqualTo(failed.runId());
    assertThat(resumed.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(resumed.error()).isNull();
    assertThat(resumed.attempts()).isEqualTo(2);
    assertThat(source.runs).hasValue(1);
    assertThat(side.runs).hasValue(1);
    assertThat(failing.runs).hasValue(2);
    assertThat(join.runs).hasValue(1);
    assertThat(resumed.latest("load").attempt()).isEqualTo(1);
    assertThat(resumed.latest("bad").attempt()).isEqualTo(2);
    assertThat(resumed.latest("bad").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(resumed.latest("after").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(resumed.steps()).filteredOn(s -> s.stepName().equals("bad")).extracting(StepRun::status)
        .containsExactly(StepStatus.FAILED, StepStatus.SUCCEEDED);
    assertThat(events).filteredOn(e -> e.kind() == PipelineEvent.Kind.STEP_REUSED).extracting(PipelineEvent::stepName)
        .containsExactlyInAnyOrder("load", "side");
    assertThat(tracking.getRun(failed.runId()).info().status()).isEqualTo(RunStatus.FINISHED);

    assertThatThrownBy(() -> executor.resume(failed.runId(), p, noCache, events::add))
        .isInstanceOf(CairnException.class).hasMessageContaining("is SUCCEEDED; only a FAILED run can be resumed")
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE));
  }

  @Test
  void resumeRerunsAFinishedStepWhoseParametersChanged() {
    TestSteps.Upper failing = new TestSteps.Upper();
    failing.fail = true;
    Pipeline p = diamondWithFailure(failing, new TestSteps.Join(), new TestSteps.Upper("side"));
    PipelineRun failed = executor.run(p, options.withNoCache(true), events::add);
    failing.fail = false;
    PipelineRun resumed = executor.resume(failed.runId(), p.withOverrides(List.of("load.count=3")),
        options.withNoCache(true), events::add);
    assertThat(resumed.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(resumed.latest("load").attempt()).isEqualTo(2);
    assertThat(source.runs).hasValue(2);
  }

  @Test
  void independentStepsRunAtTheSameTimeWithinTheBound() {
    CountDownLatch bothRunning = new CountDownLatch(2);
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    PipelineRun run = run(Pipeline.builder("parallel")
        .step("a", new TestSteps.Rendezvous(bothRunning, active, maxActive))
        .step("b", new TestSteps.Rendezvous(bothRunning, active, maxActive))
        .build());
    // each step waits until the other has started: both succeed only if they overlapped
    assertThat(run.status()).as(run.error()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(maxActive).hasValue(2);
  }

  @Test
  void parallelismBoundsHowManyStepsRunAtOnce() {
    CountDownLatch never = new CountDownLatch(0); // no waiting: only the bound is measured
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    Pipeline.Builder b = Pipeline.builder("bounded");
    for (int i = 0; i < 8; i++) {
      b.step("s" + i, new TestSteps.Rendezvous(never, active, maxActive));
    }
    PipelineRun run = executor.run(b.build(), options.withParallelism(1), events::add);
    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(maxActive).hasValue(1);
    assertThat(run.steps()).hasSize(8);
  }

  @Test
  void aFailingProgressListenerDoesNotFailTheRun() {
    PipelineRun run = executor.run(twoSteps(), options, e -> {
      throw new IllegalStateException("terminal closed");
    });
    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
  }

  @Test
  void aDeclaredOutputThatWasNotWrittenFailsTheStep() {
    PipelineRun run = run(Pipeline.builder("forget").step("f", new TestSteps.Forgetful()).build());
    assertThat(run.status()).isEqualTo(PipelineStatus.FAILED);
    assertThat(run.latest("f").error()).contains("did not write its output 'result'");
  }

  @Test
  void yamlPipelineRunsEndToEndWithOverrides() throws IOException {
    StepRegistry registry = new StepRegistry().register("source", () -> source).register("upper", () -> upper);
    Path file = dir.resolve("pipeline.yaml");
    java.nio.file.Files.writeString(file, """
        name: yaml-demo
        steps:
          load: {uses: source, params: {text: yaml}}
          shout: {uses: upper, inputs: {data: load.data}}
        """);
    PipelineRun run = executor.run(PipelineYaml.load(file, registry, List.of("load.count=3")), options, events::add);
    assertThat(read(run.latest("shout").output("data"))).isEqualTo("ROWS:YAML\n".repeat(3));
    // what a resume needs to load the same pipeline again
    assertThat(tracking.getRun(run.runId()).tags()).contains(
        new Tag(PipelineExecutor.TAG_SOURCE, file.toAbsolutePath().normalize().toString()),
        new Tag(PipelineExecutor.TAG_OVERRIDES, "[\"load.count=3\"]"));
    assertThat(store.listRuns("yaml-demo", 10)).extracting(PipelineRun::runId).containsExactly(run.runId());
    Map<String, Long> byStatus = run.steps().stream().collect(Collectors.groupingBy(s -> s.status().name(),
        Collectors.counting()));
    assertThat(byStatus).containsEntry("SUCCEEDED", 2L);
  }

}
