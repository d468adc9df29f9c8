package dev.cairn.store.loggedmodels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.loggedmodels.LoggedModelSearch.DatasetFilter;
import dev.cairn.store.loggedmodels.LoggedModelSearch.Order;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every backend of the logged-model store must do; run on SQLite and PostgreSQL. */
abstract class LoggedModelStoreContract {
  /** Both stores on one fresh, migrated database; the tracking store owns (and closes) it. */
  record Stores(MetadataStore tracking, LoggedModelStore models) {}

  protected abstract Stores newStores();

  MetadataStore tracking;
  LoggedModelStore store;
  String experiment;

  @BeforeEach
  void open() {
    Stores s = newStores();
    tracking = s.tracking();
    store = s.models();
    experiment = tracking.createExperiment("models", null, List.of());
  }

  @AfterEach
  void close() {
    store.close();
    tracking.close();
  }

  private LoggedModel create(String name, Map<String, String> params, Map<String, String> tags) {
    return store.create(new LoggedModelStore.NewLoggedModel(experiment, name, null, null, tags, params));
  }

  private static void assertCode(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
  }

  private List<String> names(LoggedModelSearch search) {
    return store.search(search).items().stream().map(LoggedModel::name).toList();
  }

  private LoggedModelSearch filter(String filter) {
    return new LoggedModelSearch(List.of(experiment), filter, List.of(), List.of(), 0, null);
  }

  @Test
  void createAssignsAnIdAnArtifactLocationUnderTheExperimentAndPending() {
    String runId = tracking.createRun(experiment, "ada", 1, "r", List.of()).runId();
    LoggedModel m = store.create(new LoggedModelStore.NewLoggedModel(experiment, "clf", "Classifier", runId,
        Map.of("team", "risk"), Map.of("alpha", "0.5")));
    assertThat(m.modelId()).matches("m-[0-9a-f]{32}");
    assertThat(m.artifactLocation()).isEqualTo("mlflow-artifacts:/" + experiment + "/models/" + m.modelId() + "/artifacts");
    assertThat(m.status()).isEqualTo(LoggedModelStatus.PENDING);
    assertThat(m.experimentId()).isEqualTo(experiment);
    assertThat(m.sourceRunId()).isEqualTo(runId);
    assertThat(m.modelType()).isEqualTo("Classifier");
    assertThat(m.tags()).containsExactly(Map.entry("team", "risk"));
    assertThat(m.params()).containsExactly(Map.entry("alpha", "0.5"));
    assertThat(m.creationTimestampMs()).isPositive().isEqualTo(m.lastUpdatedTimestampMs());
    assertThat(store.get(m.modelId())).isEqualTo(m);
  }

  @Test
  void aModelWithoutANameGetsARandomOne() {
    LoggedModel m = create(null, Map.of(), Map.of());
    assertThat(m.name()).matches("[a-z]+-[a-z]+-\\d+");
  }

  @Test
  void createRefusesUnknownAndDeletedExperiments() {
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.create(
        new LoggedModelStore.NewLoggedModel("424242", "x", null, null, null, null)));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> create("a/b", Map.of(), Map.of()));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> create("x".repeat(501), Map.of(), Map.of()));
    tracking.deleteExperiment(experiment);
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> create("x", Map.of(), Map.of()));
  }

  @Test
  void finalizeSetsTheStatusAndDeleteHidesTheModel() {
    LoggedModel m = create("clf", Map.of(), Map.of());
    LoggedModel ready = store.finalizeModel(m.modelId(), LoggedModelStatus.READY);
    assertThat(ready.status()).isEqualTo(LoggedModelStatus.READY);
    assertThat(store.get(m.modelId()).status()).isEqualTo(LoggedModelStatus.READY);
    store.delete(m.modelId());
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.get(m.modelId()));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.finalizeModel(m.modelId(), LoggedModelStatus.READY));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.delete(m.modelId()));
    assertThat(store.artifactLocation(m.modelId())).isEmpty();
    assertThat(names(filter(null))).isEmpty();
  }

  @Test
  void tagsAreSetOverwrittenAndDeletedParamsLogged() {
    LoggedModel m = create("clf", Map.of(), Map.of("a", "1"));
    assertThat(store.setTags(m.modelId(), Map.of("a", "2", "b", "3")).tags())
        .containsExactly(Map.entry("a", "2"), Map.entry("b", "3"));
    store.deleteTag(m.modelId(), "a");
    assertThat(store.get(m.modelId()).tags()).containsOnlyKeys("b");
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.deleteTag(m.modelId(), "a"));
    store.logParams(m.modelId(), Map.of("lr", "0.1"));
    assertThat(store.get(m.modelId()).params()).containsExactly(Map.entry("lr", "0.1"));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.setTags("m-" + "0".repeat(32), Map.of("a", "b")));
  }

  @Test
  void tooManyTagsOrOverlongValuesAreRefusedAndNothingIsWritten() {
    LoggedModel m = create("clf", Map.of(), Map.of());
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i <= LoggedModelStore.MAX_TAGS_OR_PARAMS_PER_REQUEST; i++) {
      many.put("k" + i, "v");
    }
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.setTags(m.modelId(), many));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.logParams(m.modelId(), Map.of("p", "x".repeat(6001))));
    assertThat(store.get(m.modelId()).tags()).isEmpty();
    assertThat(store.get(m.modelId()).params()).isEmpty();
  }

  @Test
  void linkedMetricsAreKeptOnceAndNaNSurvives() {
    LoggedModel m = create("clf", Map.of(), Map.of());
    ModelMetric acc = new ModelMetric(m.modelId(), "acc", 0.9, 10, 1, null, "eval", "d1");
    store.logMetrics(List.of(acc, acc, new ModelMetric(m.modelId(), "loss", Double.NaN, 10, 1, null, null, null)));
    assertThat(store.get(m.modelId()).metrics()).hasSize(2)
        .anySatisfy(x -> assertThat(x).isEqualTo(acc))
        .anySatisfy(x -> assertThat(x.value()).isNaN());
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.logMetrics(
        List.of(new ModelMetric("m-" + "1".repeat(32), "acc", 1, 1, 1, null, null, null))));
  }

  @Test
  void searchFiltersByAttributesParamsTagsAndMetrics() {
    LoggedModel a = create("alpha", Map.of("optimizer", "adam"), Map.of("release", "v1"));
    LoggedModel b = create("beta", Map.of("optimizer", "sgd"), Map.of("release", "v2"));
    LoggedModel c = create("gamma", Map.of(), Map.of());
    store.finalizeModel(b.modelId(), LoggedModelStatus.READY);
    store.logMetrics(List.of(new ModelMetric(a.modelId(), "acc", 0.7, 1, 0, null, "train", null),
        new ModelMetric(b.modelId(), "acc", 0.95, 1, 0, null, "test", null),
        new ModelMetric(c.modelId(), "acc", Double.NaN, 1, 0, null, null, null)));
    assertThat(names(filter("name = 'beta'"))).containsExactly("beta");
    assertThat(names(filter("attributes.name != 'beta'"))).containsExactlyInAnyOrder("alpha", "gamma");
    assertThat(names(filter("name LIKE 'a%'"))).containsExactly("alpha");
    assertThat(names(filter("name ILIKE 'A%'"))).containsExactly("alpha");
    assertThat(names(filter("status = 'READY'"))).containsExactly("beta");
    assertThat(names(filter("status = 'LOGGED_MODEL_PENDING'"))).containsExactlyInAnyOrder("alpha", "gamma");
    assertThat(names(filter("params.optimizer = 'adam'"))).containsExactly("alpha");
    assertThat(names(filter("params.optimizer IS NULL"))).containsExactly("gamma");
    assertThat(names(filter("tags.release IN ('v1', 'v2')"))).containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names(filter("metrics.acc > 0.8"))).containsExactly("beta");
    assertThat(names(filter("metrics.acc > 0.5 AND params.optimizer != 'adam'"))).containsExactly("beta");
    assertThat(names(filter("metrics.acc < 0.8 OR name = 'gamma'"))).containsExactlyInAnyOrder("alpha", "gamma");
    assertThat(names(filter("model_type IS NULL"))).hasSize(3);
    assertThat(names(filter("creation_time > 0"))).hasSize(3);
    assertThat(names(filter("model_id = '" + c.modelId() + "'"))).containsExactly("gamma");
    // datasets restrict which metrics the comparisons look at
    assertThat(names(new LoggedModelSearch(List.of(experiment), "metrics.acc > 0.5",
        List.of(new DatasetFilter("train", null)), List.of(), 0, null))).containsExactly("alpha");
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> names(filter("metrics.acc > 'x'")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> names(filter("unknown_attribute = 'x'")));
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> names(filter("datasets.name = 'x'")));
  }

  @Test
  void searchOrdersNewestFirstByDefaultAndByMetricsWithMissingOnesLast() throws InterruptedException {
    LoggedModel a = create("a", Map.of(), Map.of());
    Thread.sleep(3);
    LoggedModel b = create("b", Map.of(), Map.of());
    Thread.sleep(3);
    create("c", Map.of(), Map.of());
    store.logMetrics(List.of(new ModelMetric(a.modelId(), "acc", 0.5, 1, 0, null, null, null),
        new ModelMetric(b.modelId(), "acc", 0.9, 1, 0, null, null, null)));
    assertThat(names(filter(null))).containsExactly("c", "b", "a");
    assertThat(names(ordered(new Order("creation_time", true, null, null)))).containsExactly("a", "b", "c");
    assertThat(names(ordered(new Order("metrics.acc", false, null, null)))).containsExactly("b", "a", "c");
    assertThat(names(ordered(new Order("metrics.acc", true, null, null)))).containsExactly("a", "b", "c");
    assertThat(names(ordered(new Order("name", false, null, null)))).containsExactly("c", "b", "a");
    assertCode(ErrorCode.INVALID_PARAMETER_VALUE, () -> names(ordered(new Order("params.p", true, null, null))));
  }

  private LoggedModelSearch ordered(Order order) {
    return new LoggedModelSearch(List.of(experiment), null, List.of(), List.of(order), 0, null);
  }

  @Test
  void searchPagesThroughEveryModelOnceAndOnlyInTheGivenExperiments() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(create("m" + i, Map.of(), Map.of()).modelId());
    }
    String other = tracking.createExperiment("other", null, List.of());
    store.create(new LoggedModelStore.NewLoggedModel(other, "elsewhere", null, null, null, null));
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<LoggedModel> page = store.search(new LoggedModelSearch(List.of(experiment), null, List.of(), List.of(), 3,
          token));
      page.items().forEach(m -> seen.add(m.modelId()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
    assertThat(store.search(LoggedModelSearch.all(List.of(experiment, other))).items()).hasSize(8);
    assertThat(store.search(LoggedModelSearch.all(List.of())).items()).isEmpty();
  }

  @Test
  void runOutputsListTheRunsModelsAndRefuseUnknownRunsOrModels() {
    String runId = tracking.createRun(experiment, "ada", 1, "r", List.of()).runId();
    LoggedModel m = create("clf", Map.of(), Map.of());
    store.logOutputs(runId, List.of(new RunOutput(m.modelId(), 3)));
    store.logOutputs(runId, List.of(new RunOutput(m.modelId(), 4)));
    assertThat(store.outputsOf(runId)).containsExactly(new RunOutput(m.modelId(), 4));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.logOutputs("f".repeat(32),
        List.of(new RunOutput(m.modelId(), 0))));
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.logOutputs(runId,
        List.of(new RunOutput("m-" + "2".repeat(32), 0))));
  }

  @Test
  void modelsUrisResolveToTheModelsArtifactLocation() {
    LoggedModel m = create("clf", Map.of(), Map.of());
    assertThat(LoggedModelStore.modelIdOf("models:/" + m.modelId())).contains(m.modelId());
    assertThat(LoggedModelStore.modelIdOf("models:/churn/3")).isEmpty();
    assertThat(LoggedModelStore.modelIdOf("models:/churn@champion")).isEmpty();
    assertThat(store.artifactLocation(m.modelId())).contains(m.artifactLocation());
    assertThat(store.resolveUri("models:/" + m.modelId())).contains(m.artifactLocation());
    assertThat(store.resolveUri("models:/" + m.modelId() + "/MLmodel")).contains(m.artifactLocation() + "/MLmodel");
    assertThat(store.resolveUri("runs:/abc/model")).isEmpty();
    assertCode(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.resolveUri("models:/m-" + "3".repeat(32)));
  }

  @Test
  void runsUrisNamingAModelTheRunLoggedResolveToTheModel() {
    String runId = tracking.createRun(experiment, "ada", 1, "r", List.of()).runId();
    LoggedModel m = store.create(new LoggedModelStore.NewLoggedModel(experiment, "model", null, runId, null, null));
    assertThat(store.resolveRunsUri("runs:/" + runId + "/model")).contains(m.artifactLocation());
    assertThat(store.resolveRunsUri("runs:/" + runId + "/model/MLmodel")).contains(m.artifactLocation() + "/MLmodel");
    assertThat(store.resolveRunsUri("runs:/" + runId + "/other")).isEmpty();
    assertThat(store.resolveRunsUri("runs:/" + "a".repeat(32) + "/model")).isEmpty();
    assertThat(store.resolveRunsUri("models:/" + m.modelId())).isEmpty();
    store.delete(m.modelId());
    assertThat(store.resolveRunsUri("runs:/" + runId + "/model")).isEmpty();
  }
}
