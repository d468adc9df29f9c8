package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.core.Ids;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline tables on SQLite; {@link PipelineStorePostgresTest} runs the same tests on PostgreSQL. */
class PipelineStoreTest {
  @TempDir Path dir;
  SqlDatabase db;
  PipelineStore store;

  SqlDatabase openDatabase() {
    return MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
  }

  @BeforeEach
  void open() {
    db = openDatabase();
    store = PipelineStore.on(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  static StepArtifact artifact(String name, String content) {
    return new StepArtifact(name, "text", "0/run/artifacts/outputs/" + name,
        Hashing.sha256Hex(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)), content.length());
  }

  private String newRun(String pipeline, long start) {
    String runId = Ids.newRunId();
    store.createRun(runId, pipeline, "0", "a".repeat(64), "{\"name\":\"" + pipeline + "\"}", start);
    return runId;
  }

  private StepRun running(String runId, String step, int attempt, String key) {
    return new StepRun(Ids.newRunId(), runId, step, attempt, "upper", StepStatus.RUNNING, key, null, 1000L, null,
        Map.of("l2", 0.5, "epochs", 3L), null, null, List.of(artifact("data", "in")), List.of());
  }

  @Test
  void recordsRunsStepsAndArtifacts() {
    String runId = newRun("demo", 1000);
    StepRun step = running(runId, "train", 1, "k".repeat(64));
    store.insertStep(step);
    store.finishStep(step.stepRunId(), StepStatus.SUCCEEDED, 1500, null, "0/x/artifacts/cairn/step.log",
        List.of(artifact("data", "OUT"), artifact("model", "m")), true);
    store.updateRun(runId, PipelineStatus.SUCCEEDED, 2000L, null);

    PipelineRun run = store.getRun(runId);
    assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
    assertThat(run.durationMillis()).isEqualTo(1000L);
    assertThat(run.definitionJson()).contains("demo");
    StepRun stored = run.latest("train");
    assertThat(stored.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(stored.durationMillis()).isEqualTo(500L);
    assertThat(stored.params()).containsEntry("l2", 0.5).containsEntry("epochs", 3);
    assertThat(stored.inputs()).containsExactly(artifact("data", "in"));
    assertThat(stored.outputs()).containsExactly(artifact("data", "OUT"), artifact("model", "m"));
    assertThat(stored.logPath()).isEqualTo("0/x/artifacts/cairn/step.log");
  }

  @Test
  void runsPageNewestFirstByPipelineAndExperiment() {
    String a = newRun("demo", 1000);
    String b = newRun("other", 2000);
    String c = newRun("demo", 3000);
    String elsewhere = Ids.newRunId();
    store.createRun(elsewhere, "demo", "7", "a".repeat(64), "{}", 4000);

    assertThat(store.listRuns(null, null, 2, 0)).extracting(PipelineRun::runId).containsExactly(elsewhere, c);
    assertThat(store.listRuns(null, null, 2, 2)).extracting(PipelineRun::runId).containsExactly(b, a);
    assertThat(store.listRuns(null, null, 2, 4)).isEmpty();
    assertThat(store.listRuns("demo", null, 10, 0)).extracting(PipelineRun::runId).containsExactly(elsewhere, c, a);
    assertThat(store.listRuns("demo", "0", 10, 1)).extracting(PipelineRun::runId).containsExactly(a);
    assertThat(store.listRuns(null, "7", 10, 0)).extracting(PipelineRun::runId).containsExactly(elsewhere);
    assertThatThrownBy(() -> store.listRuns(null, null, 10, -1)).hasMessageContaining("offset is -1");
  }

  @Test
  void stepCountsCountEachStepsNewestAttempt() {
    String runId = newRun("demo", 1000);
    String other = newRun("demo", 2000);
    StepRun failed = running(runId, "train", 1, null);
    store.insertStep(failed);
    store.finishStep(failed.stepRunId(), StepStatus.FAILED, 1100, "boom", null, List.of(), false);
    StepRun skipped = running(runId, "evaluate", 1, null);
    store.insertStep(skipped);
    store.finishStep(skipped.stepRunId(), StepStatus.SKIPPED, 1100, null, null, List.of(), false);
    StepRun load = running(runId, "load", 1, null);
    store.insertStep(load);
    store.finishStep(load.stepRunId(), StepStatus.SUCCEEDED, 1100, null, null, List.of(), false);
    // the resume: train succeeds at its second attempt, evaluate comes from the cache
    StepRun retried = running(runId, "train", 2, null);
    store.insertStep(retried);
    store.finishStep(retried.stepRunId(), StepStatus.SUCCEEDED, 1200, null, null, List.of(), false);
    StepRun cached = running(runId, "evaluate", 2, null);
    store.insertStep(cached);
    store.finishStep(cached.stepRunId(), StepStatus.CACHED, 1200, null, null, List.of(), false);
    store.insertStep(running(other, "load", 1, null));

    Map<String, Map<StepStatus, Integer>> counts = store.stepCounts(List.of(runId, other, "no-such-run"));
    assertThat(counts.get(runId)).containsOnly(Map.entry(StepStatus.SUCCEEDED, 2), Map.entry(StepStatus.CACHED, 1));
    assertThat(counts.get(other)).containsOnly(Map.entry(StepStatus.RUNNING, 1));
    assertThat(counts).doesNotContainKey("no-such-run");
    assertThat(store.stepCounts(List.of())).isEmpty();
  }

  @Test
  void cacheIndexPointsAtTheNewestSuccessfulStepRun() {
    String key = "c".repeat(64);
    assertThat(store.findCached(key)).isEmpty();
    String runId = newRun("demo", 1000);
    StepRun first = running(runId, "train", 1, key);
    store.insertStep(first);
    store.finishStep(first.stepRunId(), StepStatus.SUCCEEDED, 1100, null, null, List.of(artifact("data", "1")), true);
    assertThat(store.findCached(key).orElseThrow().stepRunId()).isEqualTo(first.stepRunId());
    assertThat(store.findCached(key).orElseThrow().outputs()).containsExactly(artifact("data", "1"));

    StepRun second = running(newRun("demo", 2000), "train", 1, key);
    store.insertStep(second);
    store.finishStep(second.stepRunId(), StepStatus.SUCCEEDED, 2100, null, null, List.of(artifact("data", "2")), true);
    assertThat(store.findCached(key).orElseThrow().stepRunId()).isEqualTo(second.stepRunId());

    StepRun uncached = running(newRun("demo", 3000), "train", 1, key);
    store.insertStep(uncached);
    store.finishStep(uncached.stepRunId(), StepStatus.SUCCEEDED, 3100, null, null, List.of(artifact("data", "3")),
        false);
    assertThat(store.findCached(key).orElseThrow().stepRunId()).isEqualTo(second.stepRunId());
  }

  @Test
  void failedStepKeepsItsErrorAndResumeCountsAttempts() {
    String runId = newRun("demo", 1000);
    StepRun step = running(runId, "train", 1, null);
    store.insertStep(step);
    store.finishStep(step.stepRunId(), StepStatus.FAILED, 1200, "boom", null, List.of(), false);
    store.updateRun(runId, PipelineStatus.FAILED, 1300L, "step 'train' failed: boom");
    assertThat(store.getRun(runId).latest("train").error()).isEqualTo("boom");
    assertThat(store.getRun(runId).error()).isEqualTo("step 'train' failed: boom");

    assertThat(store.resumeRun(runId)).isEqualTo(2);
    StepRun retry = running(runId, "train", 2, null);
    store.insertStep(retry);
    PipelineRun run = store.getRun(runId);
    assertThat(run.status()).isEqualTo(PipelineStatus.RUNNING);
    assertThat(run.endTime()).isNull();
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(run.steps()).hasSize(2);
    assertThat(run.latest("train").stepRunId()).isEqualTo(retry.stepRunId());
  }

  @Test
  void sameStepAttemptTwiceIsRefused() {
    String runId = newRun("demo", 1000);
    store.insertStep(running(runId, "train", 1, null));
    assertThatThrownBy(() -> store.insertStep(running(runId, "train", 1, null)))
        .isInstanceOf(CairnException.class);
  }

  @Test
  void listsNewestRunsFirstPerPipeline() {
    String a = newRun("a", 1000);
    String b = newRun("b", 2000);
    String a2 = newRun("a", 3000);
    assertThat(store.listRuns("a", 10)).extracting(PipelineRun::runId).containsExactly(a2, a);
    assertThat(store.listRuns(null, 2)).extracting(PipelineRun::runId).containsExactly(a2, b);
    assertThatThrownBy(() -> store.listRuns(null, 0)).hasMessageContaining("1 to 1000");
  }

  @Test
  void missingRunIsNotFound() {
    assertThatThrownBy(() -> store.getRun(Ids.newRunId())).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    assertThatThrownBy(() -> store.updateRun(Ids.newRunId(), PipelineStatus.FAILED, 1L, null))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> store.finishStep(Ids.newRunId(), StepStatus.FAILED, 1L, null, null, List.of(), false))
        .hasMessageContaining("does not exist");
  }
}
