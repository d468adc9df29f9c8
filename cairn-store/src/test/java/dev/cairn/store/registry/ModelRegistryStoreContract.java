package dev.cairn.store.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.registry.ModelStage;
import dev.cairn.registry.ModelUri;
import dev.cairn.registry.ModelVersion;
import dev.cairn.registry.ModelVersionStatus;
import dev.cairn.registry.RegisteredModel;
import dev.cairn.store.registry.ModelRegistryStore.NewModelVersion;
import dev.cairn.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every backend of the model registry must do; run by the SQLite and PostgreSQL test classes. */
abstract class ModelRegistryStoreContract {
  protected ModelRegistryStore store;

  /** A store on a fresh, migrated, empty database. */
  protected abstract ModelRegistryStore newStore();

  /** The manifest records on the same database as {@link #newStore()}. */
  protected abstract ModelVersionManifests manifests();

  /** Closes whatever {@link #newStore()} opened. */
  protected abstract void closeStore();

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    closeStore();
  }

  static NewModelVersion version(String name, String source) {
    return new NewModelVersion(name, source, null, null, null, Map.of(), null, null);
  }

  static void refused(ErrorCode code, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(code));
  }

  @Test
  void createsAndGetsAModelWithTagsAndDescription() {
    RegisteredModel m = store.createRegisteredModel("churn", "predicts churn", Map.of("team", "growth"));
    assertThat(m.name()).isEqualTo("churn");
    assertThat(m.description()).isEqualTo("predicts churn");
    assertThat(m.tags()).containsExactly(Map.entry("team", "growth"));
    assertThat(m.latestVersions()).isEmpty();
    assertThat(store.getRegisteredModel("churn")).isEqualTo(m);
  }

  @Test
  void duplicateNameIsRefusedAndChangesNothing() {
    store.createRegisteredModel("dup", "first", Map.of());
    refused(ErrorCode.RESOURCE_ALREADY_EXISTS, () -> store.createRegisteredModel("dup", "second", Map.of("a", "b")));
    assertThat(store.getRegisteredModel("dup").description()).isEqualTo("first");
    assertThat(store.getRegisteredModel("dup").tags()).isEmpty();
  }

  @Test
  void unknownModelAndVersionAreNotFound() {
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getRegisteredModel("nope"));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.createModelVersion(version("nope", "s3://x")));
    store.createRegisteredModel("m", null, Map.of());
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getModelVersion("m", 1));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.setAlias("m", "champion", 1));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getModelVersionByAlias("m", "champion"));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.deleteRegisteredModel("nope"));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.transitionStage("m", 7, ModelStage.STAGING, false));
  }

  @Test
  void versionsCountFromOneAndDeletedNumbersAreNotReused() {
    store.createRegisteredModel("m", null, Map.of());
    ModelVersion v1 = store.createModelVersion(new NewModelVersion("m", "runs:/abc/model", "abc", "http://x",
        "first", Map.of("k", "v"), "ada", "m-123"));
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.currentStage()).isEqualTo(ModelStage.NONE);
    assertThat(v1.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(v1.runId()).isEqualTo("abc");
    assertThat(v1.userId()).isEqualTo("ada");
    assertThat(v1.modelId()).isEqualTo("m-123");
    assertThat(v1.tags()).containsEntry("k", "v");
    assertThat(store.createModelVersion(version("m", "s3://b/2")).version()).isEqualTo(2);
    store.deleteModelVersion("m", 2);
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getModelVersion("m", 2));
    assertThat(store.createModelVersion(version("m", "s3://b/3")).version()).isEqualTo(3);
    assertThat(store.searchModelVersions("name = 'm'", List.of(), 0, null).items())
        .extracting(ModelVersion::version).containsExactly(3, 1);
  }

  @Test
  void concurrentCreatorsGetVersionsOneToNWithoutGapsOrDuplicates() throws Exception {
    store.createRegisteredModel("race", null, Map.of());
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int source = i;
        futures.add(pool.submit(() -> {
          go.await();
          return store.createModelVersion(version("race", "s3://b/" + source)).version();
        }));
      }
      go.countDown();
      List<Integer> numbers = new ArrayList<>();
      for (Future<Integer> f : futures) {
        numbers.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(numbers).containsExactlyInAnyOrderElementsOf(
          java.util.stream.IntStream.rangeClosed(1, n).boxed().toList());
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.searchModelVersions("name = 'race'", List.of("version_number ASC"), 0, null).items())
        .extracting(ModelVersion::version).containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, n).boxed().toList());
  }

  @Test
  void settingAnAliasMovesItAndReturnsThePreviousHolder() {
    store.createRegisteredModel("m", null, Map.of());
    store.createModelVersion(version("m", "s3://1"));
    store.createModelVersion(version("m", "s3://2"));
    assertThat(store.setAlias("m", "champion", 1)).isEmpty();
    assertThat(store.getModelVersionByAlias("m", "champion").version()).isEqualTo(1);
    assertThat(store.setAlias("m", "champion", 2)).contains(1);
    assertThat(store.getModelVersionByAlias("m", "champion").version()).isEqualTo(2);
    assertThat(store.getModelVersion("m", 1).aliases()).isEmpty();
    assertThat(store.getModelVersion("m", 2).aliases()).containsExactly("champion");
    assertThat(store.getRegisteredModel("m").aliases()).containsExactly(Map.entry("champion", 2));
    assertThat(store.resolve(ModelUri.parse("models:/m@champion")).version()).isEqualTo(2);
    assertThat(store.deleteAlias("m", "champion")).contains(2);
    assertThat(store.deleteAlias("m", "champion")).isEmpty();
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getModelVersionByAlias("m", "champion"));
  }

  @Test
  void reservedAndMalformedAliasesAreRefusedAndChangeNothing() {
    store.createRegisteredModel("m", null, Map.of());
    store.createModelVersion(version("m", "s3://1"));
    for (String bad : List.of("latest", "LATEST", "v1", "V12", "", "has space", "a/b", "x".repeat(256))) {
      refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.setAlias("m", bad, 1));
    }
    assertThat(store.getRegisteredModel("m").aliases()).isEmpty();
    assertThat(store.setAlias("m", "v1x", 1)).isEmpty(); // only v<digits> is reserved
  }

  @Test
  void concurrentAliasMovesLeaveExactlyOneHolder() throws Exception {
    store.createRegisteredModel("m", null, Map.of());
    for (int i = 0; i < 4; i++) {
      store.createModelVersion(version("m", "s3://" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Optional<Integer>>> futures = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int target = i % 4 + 1;
        futures.add(pool.submit(() -> store.setAlias("m", "prod", target)));
      }
      for (Future<Optional<Integer>> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long holders = store.searchModelVersions("name = 'm'", List.of(), 0, null).items().stream()
        .filter(v -> v.aliases().contains("prod")).count();
    assertThat(holders).isEqualTo(1);
  }

  @Test
  void renameKeepsVersionsTagsAndAliasesAndRefusesATakenName() {
    store.createRegisteredModel("old", null, Map.of("t", "1"));
    store.createModelVersion(version("old", "s3://1"));
    store.setAlias("old", "champion", 1);
    store.createRegisteredModel("taken", null, Map.of());
    refused(ErrorCode.RESOURCE_ALREADY_EXISTS, () -> store.renameRegisteredModel("old", "taken"));
    RegisteredModel renamed = store.renameRegisteredModel("old", "new");
    assertThat(renamed.name()).isEqualTo("new");
    assertThat(renamed.tags()).containsEntry("t", "1");
    assertThat(renamed.aliases()).containsEntry("champion", 1);
    assertThat(store.getModelVersion("new", 1).name()).isEqualTo("new");
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getRegisteredModel("old"));
  }

  @Test
  void deletingAModelRemovesItsVersionsAndANewOneStartsAtOne() {
    store.createRegisteredModel("gone", null, Map.of("a", "b"));
    store.createModelVersion(new NewModelVersion("gone", "s3://1", null, null, null, Map.of("k", "v"), null, null));
    store.setAlias("gone", "a1", 1);
    store.deleteRegisteredModel("gone");
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.getRegisteredModel("gone"));
    store.createRegisteredModel("gone", null, Map.of());
    assertThat(store.createModelVersion(version("gone", "s3://x")).version()).isEqualTo(1);
    assertThat(store.getRegisteredModel("gone").aliases()).isEmpty();
  }

  @Test
  void tagsAreSetReplacedAndDeleted() {
    store.createRegisteredModel("m", null, Map.of());
    store.createModelVersion(version("m", "s3://1"));
    store.setRegisteredModelTag("m", "k", "v1");
    store.setRegisteredModelTag("m", "k", "v2");
    store.setModelVersionTag("m", 1, "vk", "x");
    assertThat(store.getRegisteredModel("m").tags()).containsExactly(Map.entry("k", "v2"));
    assertThat(store.getModelVersion("m", 1).tags()).containsExactly(Map.entry("vk", "x"));
    store.deleteRegisteredModelTag("m", "k");
    store.deleteModelVersionTag("m", 1, "vk");
    assertThat(store.getRegisteredModel("m").tags()).isEmpty();
    assertThat(store.getModelVersion("m", 1).tags()).isEmpty();
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.setRegisteredModelTag("m", "../x", "v"));
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> store.setModelVersionTag("m", 9, "k", "v"));
  }

  @Test
  void stageTransitionsArchiveOthersWhenAskedAndLatestVersionsFollow() {
    store.createRegisteredModel("m", null, Map.of());
    for (int i = 0; i < 3; i++) {
      store.createModelVersion(version("m", "s3://" + i));
    }
    store.transitionStage("m", 1, ModelStage.PRODUCTION, false);
    store.transitionStage("m", 2, ModelStage.PRODUCTION, false);
    assertThat(store.getModelVersion("m", 1).currentStage()).isEqualTo(ModelStage.PRODUCTION);
    store.transitionStage("m", 3, ModelStage.PRODUCTION, true);
    assertThat(store.getModelVersion("m", 1).currentStage()).isEqualTo(ModelStage.ARCHIVED);
    assertThat(store.getModelVersion("m", 2).currentStage()).isEqualTo(ModelStage.ARCHIVED);
    assertThat(store.getLatestVersions("m", List.of("production"))).extracting(ModelVersion::version)
        .containsExactly(3);
    assertThat(store.getLatestVersions("m", List.of())).extracting(ModelVersion::version).containsExactly(2, 3);
    assertThat(store.getRegisteredModel("m").latestVersions()).extracting(ModelVersion::version)
        .containsExactly(2, 3);
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.transitionStage("m", 1, ModelStage.ARCHIVED, true));
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.getLatestVersions("m", List.of("Prod")));
    assertThat(store.resolve(ModelUri.parse("models:/m/Production")).version()).isEqualTo(3);
    assertThat(store.resolve(ModelUri.parse("models:/m/latest")).version()).isEqualTo(3);
  }

  @Test
  void updatesDescriptions() {
    store.createRegisteredModel("m", null, Map.of());
    store.createModelVersion(version("m", "s3://1"));
    assertThat(store.updateRegisteredModel("m", "new text").description()).isEqualTo("new text");
    assertThat(store.updateModelVersion("m", 1, "v text").description()).isEqualTo("v text");
    assertThat(store.getModelVersion("m", 1).description()).isEqualTo("v text");
  }

  @Test
  void searchesModelsByNameAndTagWithOrderAndPages() {
    for (String n : List.of("alpha", "beta", "alphabet", "Alpine")) {
      store.createRegisteredModel(n, null, n.startsWith("al") ? Map.of("kind", "a") : Map.of());
    }
    assertThat(names(store.searchRegisteredModels("name LIKE 'al%'", List.of(), 0, null)))
        .containsExactly("alpha", "alphabet");
    assertThat(names(store.searchRegisteredModels("name ILIKE 'al%'", List.of(), 0, null)))
        .containsExactly("Alpine", "alpha", "alphabet");
    assertThat(names(store.searchRegisteredModels("tags.kind = 'a'", List.of("name DESC"), 0, null)))
        .containsExactly("alphabet", "alpha");
    Page<RegisteredModel> first = store.searchRegisteredModels(null, List.of(), 3, null);
    assertThat(names(first)).containsExactly("Alpine", "alpha", "alphabet");
    assertThat(first.nextPageToken()).isNotNull();
    Page<RegisteredModel> second = store.searchRegisteredModels(null, List.of(), 3, first.nextPageToken());
    assertThat(names(second)).containsExactly("beta");
    assertThat(second.nextPageToken()).isNull();
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.searchRegisteredModels("run_id = 'x'", List.of(), 0, null));
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.searchRegisteredModels(null, List.of(), 1001, null));
  }

  @Test
  void searchesVersionsByRunSourceVersionAndTag() {
    store.createRegisteredModel("a", null, Map.of());
    store.createRegisteredModel("b", null, Map.of());
    store.createModelVersion(new NewModelVersion("a", "runs:/r1/model", "r1", null, null, Map.of("q", "good"), null, null));
    store.createModelVersion(new NewModelVersion("a", "s3://bucket/x", "r2", null, null, Map.of(), null, null));
    store.createModelVersion(new NewModelVersion("b", "runs:/r1/other", "r1", null, null, Map.of(), null, null));
    assertThat(keys(store.searchModelVersions("run_id IN ('r1')", List.of(), 0, null)))
        .containsExactly("a/1", "b/1");
    assertThat(keys(store.searchModelVersions("name = 'a' AND version_number > 1", List.of(), 0, null)))
        .containsExactly("a/2");
    assertThat(keys(store.searchModelVersions("source_path LIKE 'runs:/%'", List.of(), 0, null)))
        .containsExactly("a/1", "b/1");
    assertThat(keys(store.searchModelVersions("tags.q = 'good'", List.of(), 0, null))).containsExactly("a/1");
    assertThat(keys(store.searchModelVersions("name = 'a'", List.of("version_number ASC"), 1, null)))
        .containsExactly("a/1");
    refused(ErrorCode.INVALID_PARAMETER_VALUE, () -> store.searchModelVersions("metrics.x > 1", List.of(), 0, null));
  }

  @Test
  void filtersAreBoundNotSpliced() {
    store.createRegisteredModel("safe", null, Map.of());
    assertThat(store.searchRegisteredModels("name = \"x' OR '1'='1\"", List.of(), 0, null).items()).isEmpty();
    assertThat(store.searchRegisteredModels("name = \"x'; DROP TABLE registered_models; --\"", List.of(), 0, null)
        .items()).isEmpty();
    assertThat(store.searchModelVersions("tags.`k'; DELETE FROM model_versions; --` = 'v'", List.of(), 0, null)
        .items()).isEmpty();
    assertThat(store.getRegisteredModel("safe").name()).isEqualTo("safe");
    // a model whose name is itself SQL is stored and found as plain text
    store.createRegisteredModel("'; DROP TABLE registered_models; --", null, Map.of());
    assertThat(names(store.searchRegisteredModels("name = \"'; DROP TABLE registered_models; --\"", List.of(), 0,
        null))).containsExactly("'; DROP TABLE registered_models; --");
  }

  /** One version of the differential fixture, as the in-memory evaluator sees it. */
  private record Row(String name, int version, String runId, String source, Map<String, String> tags) {}

  @Test
  void versionSearchAgreesWithAnIndependentEvaluatorAcrossPages() {
    java.util.Random random = new java.util.Random(42);
    List<Row> rows = new ArrayList<>();
    String[] names = {"alpha", "Alpha", "beta", "b%ta", "gam_ma", "delta's", "eps"};
    for (String name : names) {
      store.createRegisteredModel(name, null, Map.of());
      int versions = 1 + random.nextInt(5);
      for (int v = 1; v <= versions; v++) {
        String run = "run" + random.nextInt(4);
        String source = random.nextBoolean() ? "runs:/" + run + "/model" : "s3://bucket/" + name + "/" + v;
        Map<String, String> tags = random.nextBoolean() ? Map.of("q", random.nextBoolean() ? "good" : "bad") : Map.of();
        store.createModelVersion(new NewModelVersion(name, source, run, null, null, tags, null, null));
        rows.add(new Row(name, v, run, source, tags));
      }
    }
    Map<String, java.util.function.Predicate<Row>> cases = new java.util.LinkedHashMap<>();
    cases.put(null, r -> true);
    cases.put("name = 'alpha'", r -> r.name().equals("alpha"));
    cases.put("name != 'alpha'", r -> !r.name().equals("alpha"));
    cases.put("name LIKE 'a%'", r -> r.name().startsWith("a"));
    cases.put("name ILIKE 'a%'", r -> r.name().toLowerCase(java.util.Locale.ROOT).startsWith("a"));
    cases.put("name LIKE 'b\\%ta'", r -> r.name().equals("b%ta"));
    cases.put("name LIKE 'gam_ma'", r -> r.name().equals("gam_ma"));
    cases.put("name = \"delta's\"", r -> r.name().equals("delta's"));
    cases.put("run_id = 'run1'", r -> r.runId().equals("run1"));
    cases.put("run_id IN ('run0', 'run2')", r -> r.runId().equals("run0") || r.runId().equals("run2"));
    cases.put("source_path LIKE 'runs:/%'", r -> r.source().startsWith("runs:/"));
    cases.put("version_number >= 3", r -> r.version() >= 3);
    cases.put("version_number = 1 OR tags.q = 'good'", r -> r.version() == 1 || "good".equals(r.tags().get("q")));
    cases.put("tags.q = 'bad' AND name != 'eps'", r -> "bad".equals(r.tags().get("q")) && !r.name().equals("eps"));
    cases.put("tags.q IS NULL", r -> !r.tags().containsKey("q"));
    cases.put("NOT (run_id = 'run3') AND version_number < 4", r -> !r.runId().equals("run3") && r.version() < 4);
    java.util.Comparator<Row> order = java.util.Comparator.comparing(Row::name)
        .thenComparing(java.util.Comparator.comparingInt(Row::version).reversed());
    for (Map.Entry<String, java.util.function.Predicate<Row>> c : cases.entrySet()) {
      List<String> expected = rows.stream().filter(c.getValue()).sorted(order).map(r -> r.name() + "/" + r.version())
          .toList();
      List<String> actual = new ArrayList<>();
      String token = null;
      do { // pages of 3 must add up to the whole answer
        Page<ModelVersion> page = store.searchModelVersions(c.getKey(), List.of(), 3, token);
        actual.addAll(keys(page));
        token = page.nextPageToken();
      } while (token != null);
      assertThat(actual).as(String.valueOf(c.getKey())).containsExactlyElementsOf(expected);
    }
  }

  private static List<String> names(Page<RegisteredModel> page) {
    return page.items().stream().map(RegisteredModel::name).toList();
  }

  @Test
  void aManifestIsWrittenWithItsVersionOrNeither() {
    store.createRegisteredModel("m", null, Map.of());
    ModelVersionManifests.Record signed = ModelVersionManifests.Record.signed("{}", "a".repeat(64), "sig", "fp");
    ModelVersion v1 = store.createModelVersion(version("m", "mlflow-artifacts:/1"),
        (h, id, created) -> ModelVersionManifests.insert(h, id, signed));
    assertThat(v1.version()).isEqualTo(1);
    assertThat(manifests().get("m", 1)).get().satisfies(r -> {
      assertThat(r.status()).isEqualTo(ModelVersionManifests.Status.SIGNED);
      assertThat(r.sha256()).isEqualTo("a".repeat(64));
      assertThat(r.signature()).isEqualTo("sig");
    });
    // a failure inside the write leaves no version behind, and its number is not used up
    assertThatThrownBy(() -> store.createModelVersion(version("m", "mlflow-artifacts:/2"), (h, id, created) -> {
      throw new IllegalStateException("signing failed");
    })).hasMessageContaining("signing failed");
    assertThat(keys(store.searchModelVersions("name = 'm'", List.of(), 100, null))).containsExactly("m/1");
    // written once: a second record for the same version is refused by the table
    assertThatThrownBy(() -> store.createModelVersion(version("m", "mlflow-artifacts:/3"), (h, id, created) -> {
      ModelVersionManifests.insert(h, id, ModelVersionManifests.Record.none("first"));
      ModelVersionManifests.insert(h, id, ModelVersionManifests.Record.none("second"));
    })).isNotNull();
    assertThat(keys(store.searchModelVersions("name = 'm'", List.of(), 100, null))).containsExactly("m/1");
    assertThat(store.createModelVersion(version("m", "s3://b/m"),
        (h, id, created) -> ModelVersionManifests.insert(h, id, ModelVersionManifests.Record.none("elsewhere")))
        .version()).isEqualTo(2);
    assertThat(manifests().get("m", 2)).get().extracting(ModelVersionManifests.Record::reason).isEqualTo("elsewhere");
    // a version made without a record (before manifests were kept) has none; an unknown one is not found
    store.createModelVersion(version("m", "s3://b/m3"));
    assertThat(manifests().get("m", 3)).isEmpty();
    refused(ErrorCode.RESOURCE_DOES_NOT_EXIST, () -> manifests().get("m", 9));
  }

  private static List<String> keys(Page<ModelVersion> page) {
    return page.items().stream().map(v -> v.name() + "/" + v.version()).toList();
  }
}
