package dev.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.MetricPoint;
import dev.cairn.tracking.Page;
import dev.cairn.tracking.Param;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunInfo;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import dev.cairn.tracking.ViewType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetadataStore} backend must show. A backend's test extends this class and says how
 * to open a fresh, empty store; a backend that cannot meet a test overrides it with a disabled one and a reason.
 */
public abstract class MetadataStoreContract {
  protected static final String ROOT = "file:///tmp/cairn-artifacts";

  protected MetadataStore store;

  /** A fresh, empty store whose artifact root is {@link #ROOT}. */
  protected abstract MetadataStore newStore();

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected static void assertError(ErrorCode code, ThrowingCallable call, String... fragments) {
    assertThatThrownBy(call)
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code))
        .satisfies(e -> {
          for (String fragment : fragments) {
            assertThat(e.getMessage()).contains(fragment);
          }
        });
  }

  private String newRun() {
    return store.createRun(MetadataStore.DEFAULT_EXPERIMENT_ID, "alice", 1000L, "r", List.of()).runId();
  }

  private static Map<String, Metric> latest(Run run) {
    return run.metrics().stream().collect(Collectors.toMap(Metric::key, Function.identity()));
  }

  // ------------------------------------------------------------------ experiments

  @Test
  void openCreatesDefaultExperiment() {
    Experiment e = store.getExperiment("0");
    assertThat(e.name()).isEqualTo("Default");
    assertThat(e.artifactLocation()).isEqualTo(ROOT + "/0");
    assertThat(e.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void checkReportsUp() {
    assertThat(store.check().isUp()).isTrue();
  }

  @Test
  void createExperimentAssignsNextNumericIdAndDefaultLocation() {
    String a = store.createExperiment("a", null, List.of(new Tag("team", "x")));
    String b = store.createExperiment("b", "s3://bucket/b/", List.of());
    assertThat(a).isEqualTo("1");
    assertThat(b).isEqualTo("2");
    Experiment ea = store.getExperiment(a);
    assertThat(ea.artifactLocation()).isEqualTo(ROOT + "/1");
    assertThat(ea.tags()).containsExactly(new Tag("team", "x"));
    assertThat(ea.creationTime()).isPositive();
    assertThat(store.getExperiment(b).artifactLocation()).isEqualTo("s3://bucket/b");
    assertThat(store.getExperimentByName("b").experimentId()).isEqualTo(b);
  }

  @Test
  void createExperimentRejectsDuplicateName() {
    store.createExperiment("dup", null, List.of());
    assertError(ErrorCode.RESOURCE_ALREADY_EXISTS, () -> store.createExperiment("dup", null, List.of()), "dup");
  }

  @Test
  void createExperimentRequiresNameWithin500Chars() {
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.createExperiment("", null, List.of()),
        "Invalid experiment name");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.createExperiment("n".repeat(501), null, List.of()),
        "500");
    assertThat(store.createExperiment("n".repeat(500), null, List.of())).isNotNull();
  }

  @Test
  void createExperimentRejectsRunsUriLocation() {
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.createExperiment("x", "runs:/abc", List.of()),
        "runs:");
  }

  @Test
  void missingExperimentIsNotFound() {
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getExperiment("42"), "42");
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getExperiment("abc"), "abc");
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getExperimentByName("nope"), "nope");
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.deleteExperiment("42"));
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.renameExperiment("42", "x"));
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.setExperimentTag("42", new Tag("a", "b")));
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.createRun("42", "u", 1, null, List.of()));
  }

  @Test
  void renameExperimentChangesNameAndRejectsTakenName() {
    String id = store.createExperiment("old", null, List.of());
    store.createExperiment("other", null, List.of());
    store.renameExperiment(id, "new");
    assertThat(store.getExperiment(id).name()).isEqualTo("new");
    assertThat(store.getExperimentByName("new").experimentId()).isEqualTo(id);
    assertError(ErrorCode.RESOURCE_ALREADY_EXISTS, () -> store.renameExperiment(id, "other"), "other");
  }

  @Test
  void deleteExperimentSoftDeletesItsRunsAndRestoreBringsThemBack() {
    String id = store.createExperiment("e", null, List.of());
    String run = store.createRun(id, "u", 1, null, List.of()).runId();
    store.deleteExperiment(id);
    assertThat(store.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(store.getRun(run).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertError(ErrorCode.INVALID_STATE, () -> store.renameExperiment(id, "e2"));
    assertError(ErrorCode.INVALID_STATE, () -> store.setExperimentTag(id, new Tag("a", "b")));
    assertError(ErrorCode.INVALID_STATE, () -> store.createRun(id, "u", 1, null, List.of()), "active");
    assertError(ErrorCode.INVALID_STATE, () -> store.logBatch(run, List.of(new Metric("m", 1, 1, 0)), null, null));
    store.restoreExperiment(id);
    assertThat(store.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(store.getRun(run).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void experimentTagsAreLastWriteWinsAndDeletable() {
    String id = store.createExperiment("e", null, List.of());
    store.setExperimentTag(id, new Tag("k", "1"));
    store.setExperimentTag(id, new Tag("k", "2"));
    assertThat(store.getExperiment(id).tags()).containsExactly(new Tag("k", "2"));
    store.deleteExperimentTag(id, "k");
    assertThat(store.getExperiment(id).tags()).isEmpty();
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.deleteExperimentTag(id, "k"), "k");
  }

  @Test
  void experimentTagValueIsLimitedTo5000Chars() {
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.setExperimentTag("0", new Tag("k", "v".repeat(5001))), "5000");
  }

  @Test
  void searchExperimentsPagesThroughAll() {
    for (int i = 0; i < 5; i++) {
      store.createExperiment("s" + i, null, List.of());
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<Experiment> page = store.searchExperiments(ViewType.ALL, null, null, 2, token);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
      page.items().forEach(e -> seen.add(e.name()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    assertThat(seen).containsExactlyInAnyOrder("Default", "s0", "s1", "s2", "s3", "s4");
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void searchExperimentsHonoursViewType() {
    String id = store.createExperiment("gone", null, List.of());
    store.deleteExperiment(id);
    assertThat(store.searchExperiments(ViewType.ACTIVE_ONLY, null, null, 100, null).items())
        .extracting(Experiment::name).containsExactly("Default");
    assertThat(store.searchExperiments(ViewType.DELETED_ONLY, null, null, 100, null).items())
        .extracting(Experiment::name).containsExactly("gone");
  }

  @Test
  void searchRejectsMaxResultsAbove50000AndBadPageTokens() {
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.searchExperiments(ViewType.ALL, null, null, 50001, null), "50000");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.searchRuns(List.of("0"), null, ViewType.ALL, 50001, null, null), "50000");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.searchRuns(List.of("0"), null, ViewType.ALL, 0, null, null), "max_results");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.searchRuns(List.of("0"), null, ViewType.ALL, 10, null, "%%%"), "page token");
    String notJson = Base64.getEncoder().encodeToString("hello".getBytes());
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.searchExperiments(ViewType.ALL, null, null, 10, notJson), "page token");
  }

  @Test
  void countRunsCountsEachExperimentsRunsInOneLifecycleStage() {
    String a = store.createExperiment("a", null, List.of());
    String b = store.createExperiment("b", null, List.of());
    String empty = store.createExperiment("empty", null, List.of());
    List<String> runsOfA = IntStream.range(0, 3).mapToObj(i -> store.createRun(a, "u", i, "r" + i, List.of()).runId())
        .toList();
    store.createRun(b, "u", 1, "only", List.of());
    store.deleteRun(runsOfA.get(0));
    assertThat(store.countRuns(List.of(a, b, empty, "424242", "not-a-number"), ViewType.ACTIVE_ONLY))
        .containsExactly(Map.entry(a, 2L), Map.entry(b, 1L), Map.entry(empty, 0L), Map.entry("424242", 0L),
            Map.entry("not-a-number", 0L));
    assertThat(store.countRuns(List.of(a, b), null)).containsEntry(a, 2L).containsEntry(b, 1L);
    assertThat(store.countRuns(List.of(a, b), ViewType.DELETED_ONLY)).containsEntry(a, 1L).containsEntry(b, 0L);
    assertThat(store.countRuns(List.of(a), ViewType.ALL)).containsEntry(a, 3L);
    store.restoreRun(runsOfA.get(0));
    assertThat(store.countRuns(List.of(a), ViewType.ACTIVE_ONLY)).containsEntry(a, 3L);
    assertThat(store.countRuns(List.of(), ViewType.ACTIVE_ONLY)).isEmpty();
    List<String> tooMany = IntStream.range(0, MetadataStore.MAX_COUNTED_EXPERIMENTS + 1).mapToObj(Integer::toString)
        .toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.countRuns(tooMany, null), "1001", "1000");
  }

  // ------------------------------------------------------------------ runs

  @Test
  void createRunSetsInfoArtifactUriAndRunNameTag() {
    String exp = store.createExperiment("e", "s3://b/e", List.of());
    RunInfo info = store.createRun(exp, "alice", 1234L, "my-run", List.of(new Tag("a", "b")));
    assertThat(info.runId()).matches("[0-9a-f]{32}");
    assertThat(info.artifactUri()).isEqualTo("s3://b/e/" + info.runId() + "/artifacts");
    assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
    Run run = store.getRun(info.runId());
    assertThat(run.info()).isEqualTo(info);
    assertThat(run.tags()).contains(new Tag("a", "b"), new Tag("mlflow.runName", "my-run"));
  }

  @Test
  void createRunWithoutNameTakesTagOrGeneratesOne() {
    RunInfo fromTag = store.createRun("0", "u", 1, null, List.of(new Tag("mlflow.runName", "tagged")));
    assertThat(fromTag.runName()).isEqualTo("tagged");
    RunInfo generated = store.createRun("0", "u", 1, null, List.of());
    assertThat(generated.runName()).matches("[a-z]+-[a-z]+-\\d+");
    assertThat(store.getRun(generated.runId()).tags()).contains(new Tag("mlflow.runName", generated.runName()));
  }

  @Test
  void createRunRejectsRunNameDifferentFromItsTag() {
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.createRun("0", "u", 1, "a", List.of(new Tag("mlflow.runName", "b"))), "run_name='a'");
  }

  @Test
  void createRunTakesUserFromTagWhenMissing() {
    RunInfo info = store.createRun("0", null, 1, "r", List.of(new Tag("mlflow.user", "bob")));
    assertThat(info.userId()).isEqualTo("bob");
    assertThat(store.getRun(info.runId()).info().userId()).isEqualTo("bob");
  }

  @Test
  void missingRunIsNotFound() {
    String id = "0123456789abcdef0123456789abcdef";
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getRun(id), id);
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.logBatch(id, List.of(), List.of(), List.of()), id);
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.updateRun(id, RunStatus.FINISHED, 2L, null));
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.deleteRun(id));
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getMetricHistory(id, "m", 10, null));
  }

  @Test
  void updateRunChangesOnlyGivenFieldsAndSyncsRunNameTag() {
    String run = newRun();
    RunInfo updated = store.updateRun(run, RunStatus.FINISHED, 5000L, null);
    assertThat(updated.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(updated.endTime()).isEqualTo(5000L);
    assertThat(updated.runName()).isEqualTo("r");
    RunInfo renamed = store.updateRun(run, null, null, "renamed");
    assertThat(renamed.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(renamed.endTime()).isEqualTo(5000L);
    Run stored = store.getRun(run);
    assertThat(stored.info()).isEqualTo(renamed);
    assertThat(stored.tags()).contains(new Tag("mlflow.runName", "renamed"));
  }

  @Test
  void loggingRunNameTagRenamesRun() {
    String run = newRun();
    store.logBatch(run, null, null, List.of(new Tag("mlflow.runName", "via-tag")));
    assertThat(store.getRun(run).info().runName()).isEqualTo("via-tag");
  }

  @Test
  void deletedRunRejectsWritesAndRestoreAllowsThem() {
    String run = newRun();
    store.deleteRun(run);
    assertThat(store.getRun(run).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertError(ErrorCode.INVALID_STATE, () -> store.logBatch(run, List.of(new Metric("m", 1, 1, 0)), null, null),
        run);
    assertError(ErrorCode.INVALID_STATE, () -> store.updateRun(run, RunStatus.FAILED, null, null));
    assertError(ErrorCode.INVALID_STATE, () -> store.deleteTag(run, "mlflow.runName"));
    assertError(ErrorCode.INVALID_STATE,
        () -> store.logInputs(run, List.of(new DatasetInput("d", "x", null, null, null, null, null))));
    store.restoreRun(run);
    store.logBatch(run, List.of(new Metric("m", 1, 1, 0)), null, null);
    assertThat(store.getRun(run).metrics()).hasSize(1);
  }

  @Test
  void logBatchWritesMetricsParamsAndTags() {
    String run = newRun();
    store.logBatch(run, List.of(new Metric("loss", 0.5, 10, 1), new Metric("acc", 0.9, 10, 1)),
        List.of(new Param("lr", "0.01")), List.of(new Tag("phase", "train")));
    Run r = store.getRun(run);
    assertThat(r.params()).containsExactly(new Param("lr", "0.01"));
    assertThat(r.tags()).contains(new Tag("phase", "train"));
    assertThat(r.metrics()).containsExactlyInAnyOrder(new Metric("loss", 0.5, 10, 1), new Metric("acc", 0.9, 10, 1));
  }

  @Test
  void paramsAreImmutable() {
    String run = newRun();
    store.logBatch(run, null, List.of(new Param("lr", "0.1")), null);
    store.logBatch(run, null, List.of(new Param("lr", "0.1")), null);
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, null, List.of(new Param("lr", "0.2")), null), "lr", "0.1", "0.2");
    assertThat(store.getRun(run).params()).containsExactly(new Param("lr", "0.1"));
  }

  @Test
  void logBatchIsAllOrNothing() {
    String run = newRun();
    store.logBatch(run, null, List.of(new Param("p", "old")), null);
    List<Metric> metrics = IntStream.range(0, 20).mapToObj(i -> new Metric("m" + i, i, 1, 0)).toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, metrics,
        List.of(new Param("fresh", "1"), new Param("p", "new")), List.of(new Tag("t", "v"))), "p");
    Run r = store.getRun(run);
    assertThat(r.metrics()).isEmpty();
    assertThat(r.params()).containsExactly(new Param("p", "old"));
    assertThat(r.tags()).extracting(Tag::key).doesNotContain("t");
    assertThat(store.getMetricHistory(run, "m0", 10, null).items()).isEmpty();
  }

  @Test
  void tagsAreLastWriteWinsAndDeletable() {
    String run = newRun();
    store.logBatch(run, null, null, List.of(new Tag("k", "1")));
    store.logBatch(run, null, null, List.of(new Tag("k", "2"), new Tag("k", "3")));
    assertThat(store.getRun(run).tags()).contains(new Tag("k", "3")).doesNotContain(new Tag("k", "1"));
    store.deleteTag(run, "k");
    assertThat(store.getRun(run).tags()).extracting(Tag::key).doesNotContain("k");
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.deleteTag(run, "k"), "k");
  }

  @Test
  void latestMetricIsGreatestStepThenTimestampThenValue() {
    String run = newRun();
    store.logBatch(run, List.of(new Metric("m", 5, 100, 2), new Metric("m", 9, 50, 1)), null, null);
    assertThat(latest(store.getRun(run)).get("m")).isEqualTo(new Metric("m", 5, 100, 2));
    store.logBatch(run, List.of(new Metric("m", 1, 200, 2)), null, null);
    assertThat(latest(store.getRun(run)).get("m")).isEqualTo(new Metric("m", 1, 200, 2));
    store.logBatch(run, List.of(new Metric("m", 3, 200, 2), new Metric("m", 0, 10, 1)), null, null);
    assertThat(latest(store.getRun(run)).get("m")).isEqualTo(new Metric("m", 3, 200, 2));
    assertThat(store.getMetricHistory(run, "m", 100, null).items()).hasSize(5);
  }

  @Test
  void logBatchOfManyKeysKeepsEveryPointAndTheLatestOfEachKey() {
    // 301 keys x 2 points: the rows go in several multi-row statements of different sizes
    String run = newRun();
    List<Metric> metrics = new java.util.ArrayList<>();
    for (int k = 0; k < 301; k++) {
      metrics.add(new Metric("k" + k, k, 10, 2));
      metrics.add(new Metric("k" + k, -k, 10, 1));
    }
    store.logBatch(run, metrics, null, null);
    store.logBatch(run, List.of(new Metric("k300", 0.5, 5, 3), new Metric("k0", 9, 5, 1)), null, null);
    Map<String, Metric> latest = latest(store.getRun(run));
    assertThat(latest).hasSize(301);
    assertThat(latest.get("k150")).isEqualTo(new Metric("k150", 150, 10, 2));
    assertThat(latest.get("k300")).isEqualTo(new Metric("k300", 0.5, 5, 3));
    assertThat(latest.get("k0")).isEqualTo(new Metric("k0", 0, 10, 2));
    assertThat(store.getMetricHistory(run, "k300", 0, null).items()).hasSize(3);
    assertThat(store.getMetricHistory(run, "k7", 0, null).items()).extracting(Metric::value)
        .containsExactlyInAnyOrder(7.0, -7.0);
  }

  @Test
  void nanAndInfinityRoundTripAsMlflowStoresThem() {
    String run = newRun();
    store.logBatch(run, List.of(new Metric("nan", Double.NaN, 1, 0), new Metric("pinf", Double.POSITIVE_INFINITY, 1, 0),
        new Metric("ninf", Double.NEGATIVE_INFINITY, 1, 0)), null, null);
    Map<String, Metric> latest = latest(store.getRun(run));
    assertThat(latest.get("nan").value()).isNaN();
    // MLflow's SQL store keeps +/-Infinity as the largest finite doubles
    assertThat(latest.get("pinf").value()).isEqualTo(Double.MAX_VALUE);
    assertThat(latest.get("ninf").value()).isEqualTo(-Double.MAX_VALUE);
    assertThat(store.getMetricHistory(run, "nan", 10, null).items().get(0).value()).isNaN();
  }

  @Test
  void nanIsLatestOverNumbersAtSameStepAndTimestamp() {
    String run = newRun();
    store.logBatch(run, List.of(new Metric("m", 7, 1, 0)), null, null);
    store.logBatch(run, List.of(new Metric("m", Double.NaN, 1, 0)), null, null);
    assertThat(latest(store.getRun(run)).get("m").value()).isNaN();
    store.logBatch(run, List.of(new Metric("m", 8, 1, 0)), null, null);
    assertThat(latest(store.getRun(run)).get("m").value()).isNaN();
  }

  @Test
  void logBatchRejectsMoreThan1000Metrics() {
    String run = newRun();
    List<Metric> metrics = IntStream.range(0, 1001).mapToObj(i -> new Metric("m", i, 1, i)).toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, metrics, null, null),
        "at most 1000 metrics", "Got 1001");
    store.logBatch(run, metrics.subList(0, 1000), null, null);
    assertThat(store.getMetricHistory(run, "m", 0, null).items()).hasSize(1000);
  }

  @Test
  void logBatchRejectsMoreThan100Params() {
    String run = newRun();
    List<Param> params = IntStream.range(0, 101).mapToObj(i -> new Param("p" + i, "v")).toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, null, params, null),
        "at most 100 params");
  }

  @Test
  void logBatchRejectsMoreThan100Tags() {
    String run = newRun();
    List<Tag> tags = IntStream.range(0, 101).mapToObj(i -> new Tag("t" + i, "v")).toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, null, null, tags), "at most 100 tags");
  }

  @Test
  void logBatchRejectsMoreThan1000EntitiesInTotal() {
    String run = newRun();
    List<Metric> metrics = IntStream.range(0, 950).mapToObj(i -> new Metric("m", i, 1, i)).toList();
    List<Param> params = IntStream.range(0, 51).mapToObj(i -> new Param("p" + i, "v")).toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, metrics, params, null),
        "at most 1000 metrics, params, and tags");
  }

  @Test
  void logBatchRejectsDuplicateParamKeys() {
    String run = newRun();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, null, List.of(new Param("a", "1"), new Param("a", "1")), null), "Duplicate", "a");
  }

  @Test
  void logBatchRejectsKeysLongerThan250() {
    String run = newRun();
    String key = "k".repeat(251);
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, List.of(new Metric(key, 1, 1, 0)),
        null, null), "250");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, null, List.of(new Param(key, "v")),
        null), "250");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logBatch(run, null, null, List.of(new Tag(key, "v"))),
        "250");
    store.logBatch(run, null, List.of(new Param("k".repeat(250), "v")), null);
  }

  @Test
  void logBatchRejectsParamValuesLongerThan6000AndTagValuesLongerThan8000() {
    String run = newRun();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, null, List.of(new Param("p", "v".repeat(6001))), null), "6000");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, null, null, List.of(new Tag("t", "v".repeat(8001)))), "8000");
    store.logBatch(run, null, List.of(new Param("p", "v".repeat(6000))), List.of(new Tag("t", "v".repeat(8000))));
    Run r = store.getRun(run);
    assertThat(r.params().get(0).value()).hasSize(6000);
  }

  @Test
  void logBatchRejectsBadNames() {
    String run = newRun();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, List.of(new Metric("acc@1", 1, 1, 0)), null, null), "acc@1", "alphanumerics");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, null, List.of(new Param("../x", "1")), null), "../x");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, null, null, List.of(new Tag("/abs", "1"))), "/abs");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, List.of(new Metric("a//b", 1, 1, 0)), null, null), "a/b");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.logBatch(run, List.of(new Metric("m", 1, -1, 0)), null, null), "timestamp");
    store.logBatch(run, List.of(new Metric("train/loss-1.x y", 1, 1, 0)), null, null);
  }

  @Test
  void logInputsDeduplicatesDatasetsPerExperiment() {
    String run1 = newRun();
    String run2 = newRun();
    DatasetInput d = new DatasetInput("iris", "abc123", "local", "{\"uri\":\"x\"}", "{}", "{\"rows\":3}",
        List.of(new Tag("mlflow.data.context", "training")));
    store.logInputs(run1, List.of(d));
    store.logInputs(run1, List.of(d));
    store.logInputs(run2, List.of(d, new DatasetInput("iris", "def456", null, null, null, null, null)));
    assertThat(store.getRun(run1).inputs()).containsExactly(d);
    assertThat(store.getRun(run2).inputs()).extracting(DatasetInput::digest).containsExactly("abc123", "def456");
  }

  @Test
  void logInputsValidatesLimits() {
    String run = newRun();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logInputs(run,
        List.of(new DatasetInput("d", "x".repeat(37), null, null, null, null, null))), "36");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logInputs(run,
        List.of(new DatasetInput("d", "x", null, null, null, null, List.of(new Tag("k", "v".repeat(501)))))), "500");
  }

  // ------------------------------------------------------------------ history

  @Test
  void metricHistoryIsOrderedByStepAndPaged() {
    String run = newRun();
    List<Metric> points = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      points.add(new Metric("m", i * 10, 1000 + i, i));
    }
    store.logBatch(run, points, null, null);
    Page<Metric> first = store.getMetricHistory(run, "m", 4, null);
    assertThat(first.items()).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L);
    assertThat(first.nextPageToken()).isNotNull();
    Page<Metric> second = store.getMetricHistory(run, "m", 4, first.nextPageToken());
    Page<Metric> third = store.getMetricHistory(run, "m", 4, second.nextPageToken());
    assertThat(second.items()).extracting(Metric::step).containsExactly(4L, 5L, 6L, 7L);
    assertThat(third.items()).extracting(Metric::step).containsExactly(8L, 9L);
    assertThat(third.nextPageToken()).isNull();
    assertThat(store.getMetricHistory(run, "other", 4, null).items()).isEmpty();
  }

  @Test
  void visitingAHistoryLongerThanAReadChunkSeesEveryPointOnceInOrder() {
    String run = newRun();
    int points = 10_500; // the SQL store reads 10,000 points per chunk
    List<Metric> expected = new ArrayList<>();
    for (int start = 0; start < points; start += 1000) {
      List<Metric> batch = new ArrayList<>();
      for (int i = start; i < Math.min(points, start + 1000); i++) {
        // ties on step and timestamp, so the order (and the chunk boundary) rests on is_nan and value
        double value = i % 10 == 0 ? Double.NaN : i % 10 == 1 ? Double.POSITIVE_INFINITY : i % 10;
        batch.add(new Metric("m", value, i / 20, i / 10));
      }
      store.logBatch(run, batch, null, null);
      expected.addAll(batch);
    }
    expected.sort(java.util.Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp)
        .thenComparingInt(m -> Double.isNaN(m.value()) ? 1 : 0).thenComparingDouble(Metric::value));
    List<Metric> seen = new ArrayList<>();
    assertThat(store.visitMetricHistory(run, "m", 0, null, seen::add)).isNull();
    assertThat(seen).hasSize(points);
    assertThat(seen).extracting(m -> m.step() + "/" + m.timestamp() + "/" + m.value())
        .containsExactlyElementsOf(expected.stream()
            .map(m -> m.step() + "/" + m.timestamp() + "/" + (Double.isInfinite(m.value()) ? Double.MAX_VALUE : m.value()))
            .toList());
    List<Metric> firstPage = new ArrayList<>();
    String token = store.visitMetricHistory(run, "m", 10_001, null, firstPage::add);
    List<Metric> secondPage = new ArrayList<>();
    assertThat(store.visitMetricHistory(run, "m", 10_001, token, secondPage::add)).isNull();
    assertThat(firstPage).hasSize(10_001);
    assertThat(secondPage).hasSize(points - 10_001);
    assertThat(secondPage.get(0)).isEqualTo(seen.get(10_001));
  }

  @Test
  void retriedLogBatchStoresEachPointOnce() {
    String run = newRun();
    List<Metric> batch = List.of(new Metric("loss", 0.5, 1000, 1), new Metric("loss", Double.NaN, 1001, 2),
        new Metric("acc", Double.POSITIVE_INFINITY, 1000, 1));
    store.logBatch(run, batch, List.of(new Param("lr", "0.1")), List.of(new Tag("t", "v")));
    store.logBatch(run, batch, List.of(new Param("lr", "0.1")), List.of(new Tag("t", "v"))); // a client's retry
    assertThat(store.getMetricHistory(run, "loss", 0, null).items())
        .containsExactly(new Metric("loss", 0.5, 1000, 1), new Metric("loss", Double.NaN, 1001, 2));
    assertThat(store.getMetricHistory(run, "acc", 0, null).items()).hasSize(1);
    assertThat(latest(store.getRun(run)).get("loss").step()).isEqualTo(2L);
  }

  @Test
  void pointsDifferingInAnyFieldAreAllKeptButExactDuplicatesInOneBatchOnce() {
    String run = newRun();
    store.logBatch(run, List.of(
        new Metric("m", 1.0, 1000, 1), new Metric("m", 1.0, 1000, 1), // exact duplicate: one point
        new Metric("m", 2.0, 1000, 1), // other value
        new Metric("m", 1.0, 1001, 1), // other timestamp
        new Metric("m", 1.0, 1000, 2), // other step
        new Metric("n", 1.0, 1000, 1)), null, null); // other key
    assertThat(store.getMetricHistory(run, "m", 0, null).items()).containsExactly(
        new Metric("m", 1.0, 1000, 1), new Metric("m", 2.0, 1000, 1), new Metric("m", 1.0, 1001, 1),
        new Metric("m", 1.0, 1000, 2));
    assertThat(store.getMetricHistory(run, "n", 0, null).items()).hasSize(1);
  }

  @Test
  void aThousandDistinctKeysFindTheirOwnSeriesWhetherNewOldOrMixed() {
    // more keys than one series lookup takes (512): the lookups and the new series' inserts come in parts
    String run = newRun();
    List<Metric> first = new ArrayList<>();
    for (int k = 0; k < 1000; k++) {
      first.add(new Metric("k" + k, k, 10, 1));
    }
    store.logBatch(run, first, null, null);
    List<Metric> mixed = new ArrayList<>();
    for (int k = 500; k < 1000; k++) {
      mixed.add(new Metric("k" + k, -k, 10, 2)); // known keys
      mixed.add(new Metric("n" + k, k, 10, 2)); // new keys
    }
    store.logBatch(run, mixed, null, null);
    assertThat(store.getMetricHistory(run, "k3", 0, null).items()).containsExactly(new Metric("k3", 3, 10, 1));
    assertThat(store.getMetricHistory(run, "k999", 0, null).items())
        .containsExactly(new Metric("k999", 999, 10, 1), new Metric("k999", -999, 10, 2));
    assertThat(store.getMetricHistory(run, "n512", 0, null).items()).containsExactly(new Metric("n512", 512, 10, 2));
    assertThat(latest(store.getRun(run))).hasSize(1500);
  }

  @Test
  void oneKeyInTwoRunsIsTwoSeriesAndARunWithoutPointsInTheWindowAddsNothing() {
    String a = newRun();
    String b = newRun();
    store.logBatch(a, List.of(new Metric("m", 1.0, 1000, 1), new Metric("n", 5.0, 1000, 1)), null, null);
    store.logBatch(b, List.of(new Metric("m", 2.0, 1000, 1), new Metric("m", 3.0, 1000, 9)), null, null);
    store.logBatch(a, List.of(new Metric("m", 4.0, 1000, 2)), null, null); // the same series, a later call
    assertThat(store.getMetricHistory(a, "m", 0, null).items())
        .containsExactly(new Metric("m", 1.0, 1000, 1), new Metric("m", 4.0, 1000, 2));
    assertThat(store.getMetricHistory(b, "m", 0, null).items())
        .containsExactly(new Metric("m", 2.0, 1000, 1), new Metric("m", 3.0, 1000, 9));
    assertThat(store.getMetricHistory(b, "n", 0, null).items()).isEmpty();
    assertThat(store.getMetricHistoryBulkInterval(List.of(a, b), "m", 5L, null, 10))
        .containsExactly(new MetricPoint(b, new Metric("m", 3.0, 1000, 9)));
  }

  @Test
  void bulkIntervalSamplesEvenlyAndKeepsEachRunsFirstAndLastStep() {
    String a = newRun();
    String b = newRun();
    store.logBatch(a, IntStream.range(0, 100).mapToObj(i -> new Metric("m", i, 1, i)).toList(), null, null);
    store.logBatch(b, List.of(new Metric("m", 1, 1, 3), new Metric("m", 2, 1, 57)), null, null);
    List<MetricPoint> points = store.getMetricHistoryBulkInterval(List.of(a, b), "m", null, null, 10);
    List<Long> stepsA = points.stream().filter(p -> p.runId().equals(a)).map(p -> p.metric().step()).toList();
    List<Long> stepsB = points.stream().filter(p -> p.runId().equals(b)).map(p -> p.metric().step()).toList();
    assertThat(stepsA).startsWith(0L).endsWith(99L).contains(3L, 57L).isSorted();
    assertThat(stepsA.size()).isLessThanOrEqualTo(10 + 3);
    assertThat(stepsB).containsExactly(3L, 57L);
    assertThat(points.get(0).runId()).isEqualTo(a);

    List<MetricPoint> window = store.getMetricHistoryBulkInterval(List.of(a), "m", 20L, 29L, 5);
    assertThat(window).extracting(p -> p.metric().step()).allMatch(s -> s >= 20 && s <= 29).contains(20L, 29L);
  }

  @Test
  void bulkIntervalValidatesArguments() {
    String run = newRun();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.getMetricHistoryBulkInterval(List.of(run), "m", 5L, 1L, 10), "start_step");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.getMetricHistoryBulkInterval(List.of(run), "m", null, null, 2501), "2500");
    List<String> many = IntStream.range(0, 101).mapToObj(i -> run).toList();
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.getMetricHistoryBulkInterval(many, "m", null, null, 10), "100");
  }

  // ------------------------------------------------------------------ search

  @Test
  void searchRunsPagesAndLoadsWholeRuns() {
    String exp = store.createExperiment("e", null, List.of());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String run = store.createRun(exp, "u", 1000 + i, "r" + i, List.of()).runId();
      store.logBatch(run, List.of(new Metric("m", i, 1, 0)), List.of(new Param("i", "" + i)), null);
      ids.add(run);
    }
    store.deleteRun(ids.get(0));
    Page<Run> first = store.searchRuns(List.of(exp), null, ViewType.ACTIVE_ONLY, 3, null, null);
    Page<Run> second = store.searchRuns(List.of(exp), null, ViewType.ACTIVE_ONLY, 3, null, first.nextPageToken());
    assertThat(first.items()).hasSize(3);
    assertThat(second.items()).hasSize(1);
    assertThat(second.nextPageToken()).isNull();
    List<Run> all = new ArrayList<>(first.items());
    all.addAll(second.items());
    assertThat(all).extracting(r -> r.info().runId()).containsExactlyInAnyOrderElementsOf(ids.subList(1, 5));
    assertThat(all).allSatisfy(r -> {
      assertThat(r.params()).hasSize(1);
      assertThat(r.metrics()).hasSize(1);
      assertThat(r.tags()).extracting(Tag::key).contains("mlflow.runName");
    });
    assertThat(store.searchRuns(List.of(exp), null, ViewType.ALL, 100, null, null).items()).hasSize(5);
    assertThat(store.searchRuns(List.of(exp), null, ViewType.DELETED_ONLY, 100, null, null).items())
        .extracting(r -> r.info().runId()).containsExactly(ids.get(0));
  }

  @Test
  void searchRunsAppliesFilterAndOrderOnBothDatabases() {
    String exp = store.createExperiment("e", null, List.of());
    for (int i = 0; i < 4; i++) {
      String run = store.createRun(exp, "u", 1000 + i, "r" + i, List.of()).runId();
      store.logBatch(run, List.of(new Metric("acc", i / 10.0, 1, 0)), List.of(new Param("model", i % 2 == 0 ? "a" : "b")),
          List.of(new Tag("team", "t" + i)));
    }
    Page<Run> page = store.searchRuns(List.of(exp), "metrics.acc > 0.05 AND params.model = 'a'", ViewType.ACTIVE_ONLY,
        10, List.of("metrics.acc DESC"), null);
    assertThat(page.items()).extracting(r -> r.info().runName()).containsExactly("r2");
    Page<Run> ordered = store.searchRuns(List.of(exp), null, ViewType.ACTIVE_ONLY, 10, List.of("metrics.acc DESC"), null);
    assertThat(ordered.items()).extracting(r -> r.info().runName()).containsExactly("r3", "r2", "r1", "r0");
    assertError(ErrorCode.INVALID_PARAMETER_VALUE,
        () -> store.searchRuns(List.of(exp), "metrics.acc >>> 1", ViewType.ACTIVE_ONLY, 10, null, null));
  }

  @Test
  void searchExperimentsAppliesNameFilter() {
    store.createExperiment("alpha-1", null, List.of());
    store.createExperiment("beta-1", null, List.of());
    Page<Experiment> page = store.searchExperiments(ViewType.ACTIVE_ONLY, "name LIKE 'alpha%'", null, 10, null);
    assertThat(page.items()).extracting(Experiment::name).containsExactly("alpha-1");
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void concurrentWritersToOneRunLoseNothing() throws Exception {
    String run = newRun();
    int threads = 32;
    int batches = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int b = 0; b < batches; b++) {
            List<Metric> ms = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
              ms.add(new Metric("m" + k, thread, 1000 + b, thread * batches + b));
            }
            store.logBatch(run, ms, List.of(new Param("p" + thread + "_" + b, "v")),
                List.of(new Tag("t" + k(thread), "" + b)));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int k = 0; k < 10; k++) {
      assertThat(store.getMetricHistory(run, "m" + k, 0, null).items()).hasSize(threads * batches);
    }
    Run r = store.getRun(run);
    assertThat(r.params()).hasSize(threads * batches);
    assertThat(latest(r).get("m0").step()).isEqualTo((long) threads * batches - 1);
  }

  private static int k(int thread) {
    return thread % 4;
  }

  @Test
  void concurrentWritersToSeparateRunsLoseNothing() throws Exception {
    int threads = 32;
    int batches = 5;
    List<String> runs = IntStream.range(0, threads).mapToObj(i -> newRun()).toList();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String run = runs.get(t);
        futures.add(pool.submit(() -> {
          for (int b = 0; b < batches; b++) {
            List<Metric> ms = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
              ms.add(new Metric("m", k, 1, b * 10L + k));
            }
            store.logBatch(run, ms, null, List.of(new Tag("b", "" + b)));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (String run : runs) {
      assertThat(store.getMetricHistory(run, "m", 0, null).items()).hasSize(batches * 10);
      Run r = store.getRun(run);
      assertThat(latest(r).get("m").step()).isEqualTo(batches * 10L - 1);
      assertThat(r.tags()).contains(new Tag("b", "" + (batches - 1)));
    }
  }

  /**
   * Chart downsampling against the reference: a {@link dev.cairn.tracking.Downsampler} fed every point that
   * get-history reads, over series with dense, repeated, sparse and negative steps, NaN, infinities and ties, and
   * timestamps at random, rising with the steps (the timestamp chart's step-range path), rising with ties, rising
   * in bursts with gaps, and rising but for one point out of order (which that path must detect).
   */
  @Test
  void downsampledHistoryIsWhatTheDownsamplerMakesOfEveryPoint() {
    java.util.Random random = new java.util.Random(8);
    for (int shape = 0; shape < 5; shape++) {
      for (int times = 0; times < 5; times++) {
        downsampledHistoryMatchesTheReference(random, shape, times);
      }
    }
  }

  private void downsampledHistoryMatchesTheReference(java.util.Random random, int shape, int times) {
    String run = store.createRun("0", "ada", 1, "chart-" + shape + "-" + times, List.of()).runId();
    int n = shape == 4 ? 40 : 1500;
    long[] steps = new long[n];
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      steps[i] = switch (shape) {
        case 0 -> i;
        case 1 -> i / 7; // several points per step
        case 2 -> (i - 700) * 1_000_003L; // sparse and negative
        case 3 -> random.nextInt(50) == 0 ? 5_000_000_000L : random.nextInt(300);
        default -> 42; // one step: no range
      };
      values[i] = switch (random.nextInt(12)) {
        case 0 -> Double.NaN;
        case 1 -> Double.POSITIVE_INFINITY;
        case 2 -> Double.NEGATIVE_INFINITY;
        case 3, 4 -> 0.5; // ties
        default -> random.nextGaussian() * (random.nextInt(100) == 0 ? 1000 : 1);
      };
    }
    if (times != 0) {
      Arrays.sort(steps); // a training loop's order: its clock rises as its steps do
    }
    List<Metric> points = new ArrayList<>();
    long clock = 1_700_000_000_000L;
    int late = random.nextInt(n);
    for (int i = 0; i < n; i++) {
      clock += switch (times) {
        case 2 -> random.nextInt(3) == 0 ? 1 : 0; // many points share a timestamp
        case 3 -> random.nextInt(200) == 0 ? 3_600_000 : random.nextInt(5); // bursts an hour apart
        default -> 1 + random.nextInt(40);
      };
      long timestamp = switch (times) {
        case 0 -> 1_700_000_000_000L + random.nextInt(1_000_000);
        case 4 -> i == late ? clock - 100_000 : clock; // one point logged with an earlier clock
        default -> clock;
      };
      points.add(new Metric("m", values[i], timestamp, steps[i]));
    }
    for (int from = 0; from < points.size(); from += 1000) {
      store.logBatch(run, points.subList(from, Math.min(points.size(), from + 1000)), List.of(), List.of());
    }
    List<Metric> stored = store.getMetricHistory(run, "m", 10_000, null).items();
    for (dev.cairn.tracking.MetricAxis axis : dev.cairn.tracking.MetricAxis.values()) {
      long min = stored.stream().mapToLong(axis::of).min().orElseThrow();
      long max = stored.stream().mapToLong(axis::of).max().orElseThrow();
      for (int maxPoints : new int[] {2, 3, 4, 5, 9, 64, 400, 5000}) {
        dev.cairn.tracking.Downsampler reference =
            new dev.cairn.tracking.Downsampler(maxPoints, new dev.cairn.tracking.MetricAxis.Range(min, max));
        stored.forEach(m -> reference.add(axis.of(m), m.value()));
        dev.cairn.tracking.DownsampledHistory actual = store.downsampleMetricHistory(run, "m", axis, maxPoints);
        assertThat(actual.totalPoints()).as("shape %d, times %d, %s, %d points", shape, times, axis, maxPoints)
            .isEqualTo(stored.size());
        assertThat(actual.points()).as("shape %d, times %d, %s, %d points", shape, times, axis, maxPoints)
            .containsExactlyElementsOf(reference.points());
      }
    }
  }

  @Test
  void downsampledHistoryOfAnUnknownKeyIsNullAndOfAnUnknownRunNotFound() {
    String run = store.createRun("0", "ada", 1, "chart", List.of()).runId();
    assertThat(store.downsampleMetricHistory(run, "missing", dev.cairn.tracking.MetricAxis.STEP, 100)).isNull();
    assertError(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.downsampleMetricHistory(
        "0123456789abcdef0123456789abcdef", "m", dev.cairn.tracking.MetricAxis.TIMESTAMP, 100));
  }
}
