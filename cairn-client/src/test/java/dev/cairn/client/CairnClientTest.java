package dev.cairn.client;

import dev.cairn.tracking.Param;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Hashing;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Experiment;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CairnClientTest extends AgainstServer {

  @Test
  void aChangedParamThrowsAtTheCallAndTheFiftyPointsAfterItAreStored() {
    String runId = client.run(experimentId, "changed-param", run -> {
      run.logParam("lr", "0.1");
      assertThatThrownBy(() -> run.logParam("lr", "0.2"))
          .isInstanceOf(dev.cairn.core.CairnException.class).hasMessageContaining("'lr'").hasMessageContaining("0.1");
      assertThatThrownBy(() -> run.logMetric("bad key!", 1.0))
          .isInstanceOf(dev.cairn.core.CairnException.class).hasMessageContaining("bad key!");
      for (int step = 0; step < 50; step++) {
        run.logMetric("loss", 1.0 / (step + 1), step);
      }
    });
    assertThat(client.getRun(runId).info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(client.getMetricHistory(runId, "loss")).hasSize(50);
    assertThat(client.getRun(runId).params()).extracting(Param::value).containsExactly("0.1");
  }

  @Test
  void anItemTheServerRefusesIsIsolatedAndEveryOtherItemOfItsBatchIsStored() {
    try (ActiveRun run = client.startRun(experimentId, "server-refuses")) {
      // another writer set the param first: only the server can know, so the batch is split around it
      client.logBatch(run.runId(), List.of(), List.of(new Param("seed", "7")), List.of());
      for (int step = 0; step < 25; step++) {
        run.logMetric("acc", step / 50.0, step);
      }
      run.logParam("seed", "8");
      for (int step = 25; step < 50; step++) {
        run.logMetric("acc", step / 50.0, step);
      }
      run.setTag("team", "ml");
      run.flush();
      assertThat(run.rejected()).singleElement().asString().contains("seed").contains("8");
      String runId = run.runId();
      run.close();
      assertThat(client.getRun(runId).info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(client.getMetricHistory(runId, "acc")).hasSize(50);
      assertThat(client.getRun(runId).tags()).anySatisfy(t -> assertThat(t.key()).isEqualTo("team"));
    }
  }

  @Test
  void runEndsFinishedWhenTheBlockCompletes() {
    String runId = client.run(experimentId, "ok", run -> {
      run.logParam("lr", "0.1");
      run.logMetric("loss", 0.5, 1);
      run.setTag("team", "ml");
    });

    Run run = client.getRun(runId);
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().endTime()).isNotNull();
    assertThat(run.info().runName()).isEqualTo("ok");
    assertThat(run.params()).extracting(p -> p.key() + "=" + p.value()).containsExactly("lr=0.1");
    assertThat(run.metrics()).extracting(Metric::key, Metric::value, Metric::step)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("loss", 0.5, 1L));
    assertThat(CairnClient.tagMap(run.tags())).containsEntry("team", "ml");
  }

  @Test
  void runEndsFailedAndRethrowsWhenTheBlockThrows() {
    String[] runId = new String[1];
    IllegalStateException boom = new IllegalStateException("diverged at step 3");

    assertThatThrownBy(() -> client.run(experimentId, "bad", run -> {
      runId[0] = run.runId();
      run.logMetric("loss", 1.0, 0);
      throw boom;
    })).isSameAs(boom);

    Run run = client.getRun(runId[0]);
    assertThat(run.info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.metrics()).extracting(Metric::key).containsExactly("loss");
    assertThat(CairnClient.tagMap(run.tags()).get(ActiveRun.ERROR_TAG)).contains("diverged at step 3");
  }

  @Test
  void runRethrowsCheckedExceptionsOfTheBlock() {
    assertThatThrownBy(() -> client.run(experimentId, "io", run -> {
      throw new IOException("disk full");
    })).isInstanceOf(IOException.class).hasMessage("disk full");
  }

  @Test
  void tryWithResourcesEndsFinishedUnlessFailWasCalled() {
    String finished;
    try (ActiveRun run = client.startRun(experimentId, "twr")) {
      finished = run.runId();
    }
    String failed;
    try (ActiveRun run = client.startRun(experimentId, "twr-fail")) {
      failed = run.runId();
      run.fail(new RuntimeException("caught by caller"));
    }
    String killed;
    try (ActiveRun run = client.startRun(experimentId, "twr-kill")) {
      killed = run.runId();
      run.endAs(RunStatus.KILLED);
    }

    assertThat(client.getRun(finished).info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(client.getRun(failed).info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(client.getRun(killed).info().status()).isEqualTo(RunStatus.KILLED);
  }

  @Test
  void runLeftOpenAtJvmExitIsFlushedAndEndedKilled() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ExitWithOpenRun.class.getName(), server.url(), experimentId)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String runId = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).isZero();

    Run run = client.getRun(runId);
    assertThat(run.info().status()).isEqualTo(RunStatus.KILLED);
    assertThat(run.metrics()).extracting(Metric::key, Metric::step)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("loss", 7L));
  }

  @Test
  void asyncLoggerLosesNoneOf100kMetricPointsAndFlushesOnClose() {
    int points = 100_000;
    String runId;
    try (ActiveRun run = client.startRun(experimentId, "many", RunOptions.defaults().withAutoTags(false))) {
      runId = run.runId();
      for (int step = 0; step < points; step++) {
        run.logMetric(step % 2 == 0 ? "train/loss" : "train/acc", step, step);
      }
      run.logParam("points", Integer.toString(points));
    } // close() flushes: nothing is read before it returns

    List<Metric> loss = client.getMetricHistory(runId, "train/loss");
    List<Metric> acc = client.getMetricHistory(runId, "train/acc");
    assertThat(loss).hasSize(points / 2);
    assertThat(acc).hasSize(points / 2);
    assertThat(loss.stream().mapToLong(Metric::step).sum() + acc.stream().mapToLong(Metric::step).sum())
        .isEqualTo((long) points * (points - 1) / 2);
    assertThat(client.getRun(runId).params()).extracting(p -> p.value()).containsExactly("100000");
  }

  @Test
  void nonFiniteMetricValuesRoundTrip() {
    String runId = client.run(experimentId, "nan", run -> {
      run.logMetric("nan", Double.NaN, 0);
      run.logMetric("inf", Double.POSITIVE_INFINITY, 0);
    });
    assertThat(client.getMetricHistory(runId, "nan").get(0).value()).isNaN();
    // MLflow stores +inf as the largest double; either spelling is a faithful round trip
    assertThat(client.getMetricHistory(runId, "inf").get(0).value()).isGreaterThanOrEqualTo(Double.MAX_VALUE);
  }

  @Test
  void autoTagsNameTheSourceUserJdkAndHostWithoutGit(@TempDir Path notARepo) {
    String runId;
    try (ActiveRun run = client.startRun(experimentId, "tags", RunOptions.defaults().withWorkingDirectory(notARepo))) {
      runId = run.runId();
    }
    Map<String, String> tags = CairnClient.tagMap(client.getRun(runId).tags());

    assertThat(tags).containsEntry(SourceTags.SOURCE_TYPE, "LOCAL")
        .containsEntry(SourceTags.USER, System.getProperty("user.name"))
        .containsKeys(SourceTags.SOURCE_NAME, SourceTags.JDK, SourceTags.HOST)
        .doesNotContainKeys(SourceTags.GIT_COMMIT, SourceTags.GIT_DIRTY);
    assertThat(tags.get(SourceTags.JDK)).startsWith(Runtime.version().feature() + "");
  }

  @Test
  void autoTagsRecordGitCommitBranchRemoteAndDirtyFlag(@TempDir Path repo) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(SourceTags.git(repo, "--version").isPresent(), "git is installed");
    git(repo, "init", "-q", "-b", "trunk");
    git(repo, "remote", "add", "origin", "https://alice:s3cret@example.com/ml/churn.git");
    Files.writeString(repo.resolve("train.py"), "print(1)\n");
    git(repo, "add", "train.py");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
    String commit = SourceTags.git(repo, "rev-parse", "HEAD").orElseThrow();

    CairnClient fresh = CairnClient.connect(server.url()); // source tags are cached per client
    String clean;
    try (ActiveRun run = fresh.startRun(experimentId, "git", RunOptions.defaults().withWorkingDirectory(repo))) {
      clean = run.runId();
    }
    Files.writeString(repo.resolve("train.py"), "print(2)\n");
    String dirty;
    try (ActiveRun run = CairnClient.connect(server.url())
        .startRun(experimentId, "git-dirty", RunOptions.defaults().withWorkingDirectory(repo))) {
      dirty = run.runId();
    }

    Map<String, String> tags = CairnClient.tagMap(client.getRun(clean).tags());
    assertThat(tags).containsEntry(SourceTags.GIT_COMMIT, commit)
        .containsEntry(SourceTags.GIT_BRANCH, "trunk")
        .containsEntry(SourceTags.GIT_REPO_URL, "https://example.com/ml/churn.git")
        .containsEntry(SourceTags.GIT_DIRTY, "false");
    assertThat(CairnClient.tagMap(client.getRun(dirty).tags())).containsEntry(SourceTags.GIT_DIRTY, "true");
  }

  @Test
  void systemMetricsAreSampledWhenEnabled() {
    String runId;
    try (ActiveRun run = client.startRun(experimentId, "sys",
        RunOptions.defaults().withAutoTags(false).withSystemMetrics(Duration.ofSeconds(60)))) {
      runId = run.runId();
    }
    List<String> keys = client.getRun(runId).metrics().stream().map(Metric::key).toList();
    assertThat(keys).contains(SystemMetrics.HEAP, SystemMetrics.RSS);
    assertThat(client.getMetricHistory(runId, SystemMetrics.HEAP).get(0).value()).isPositive();
  }

  @Test
  void artifactUploadDownloadRoundTripKeepsTheHash(@TempDir Path tmp) throws IOException {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(content);
    Path local = Files.write(tmp.resolve("model.bin"), content);
    AtomicLong uploaded = new AtomicLong();
    String runId;
    try (ActiveRun run = client.startRun(experimentId, "artifacts")) {
      runId = run.runId();
      run.logArtifact(local, "models/v1");
    }
    client.uploadArtifact(runId, local, null, (done, total) -> uploaded.set(done));

    assertThat(uploaded.get()).isEqualTo(content.length);
    assertThat(client.listArtifacts(runId, null)).extracting(ArtifactFile::path, ArtifactFile::isDir)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("models", true),
            org.assertj.core.groups.Tuple.tuple("model.bin", false));
    assertThat(client.listArtifacts(runId, "models/v1")).extracting(ArtifactFile::path, ArtifactFile::fileSize)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("models/v1/model.bin", (long) content.length));

    Path file = client.downloadArtifact(runId, "models/v1/model.bin", tmp.resolve("one"));
    Path dir = client.downloadArtifact(runId, "models", tmp.resolve("tree"));
    assertThat(sha256(file)).isEqualTo(Hashing.sha256Hex(content));
    assertThat(sha256(dir.resolve("v1/model.bin"))).isEqualTo(Hashing.sha256Hex(content));
    assertThat(file.getFileName().toString()).isEqualTo("model.bin");
  }

  @Test
  void downloadOfAMissingArtifactIsNotFoundAndLeavesNoFile(@TempDir Path tmp) throws IOException {
    String runId = client.run(experimentId, "empty", run -> {});
    assertThatThrownBy(() -> client.downloadArtifact(runId, "nope.bin", tmp))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    try (var files = Files.list(tmp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void logInputIsRecordedOnTheRun() {
    String runId = client.run(experimentId, "inputs", run -> run.logInput(new DatasetInput(
        "churn.csv", "abc123", "local", "{\"uri\":\"file:/data/churn.csv\"}", null, null,
        List.of(new Tag("mlflow.data.context", "training")))));
    Run run = client.getRun(runId);
    assertThat(run.inputs()).singleElement().satisfies(d -> {
      assertThat(d.name()).isEqualTo("churn.csv");
      assertThat(d.digest()).isEqualTo("abc123");
      assertThat(d.tags()).contains(new Tag("mlflow.data.context", "training"));
    });
  }

  @Test
  void experimentLifecycleCreateTagSearchDeleteRestore() {
    String id = client.createExperiment("lifecycle");
    client.setExperimentTag(id, "owner", "ana");
    Experiment e = client.getExperimentByName("lifecycle").orElseThrow();
    assertThat(e.experimentId()).isEqualTo(id);
    assertThat(e.tags()).contains(new Tag("owner", "ana"));
    assertThat(client.searchExperiments().items()).extracting(Experiment::name).contains("lifecycle");

    client.deleteExperiment(id);
    assertThat(client.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(client.searchExperiments().items()).extracting(Experiment::name).doesNotContain("lifecycle");
    client.restoreExperiment(id);
    assertThat(client.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void searchRunsFiltersAndOrdersByMetric() {
    String exp = client.createExperiment("search");
    for (double acc : new double[] {0.7, 0.9, 0.8}) {
      client.run(exp, "acc-" + acc, run -> run.logMetric("acc", acc));
    }
    var page = client.searchRuns(List.of(exp), "metrics.acc > 0.75", List.of("metrics.acc DESC"), 10, null);
    assertThat(page.items()).extracting(r -> r.info().runName()).containsExactly("acc-0.9", "acc-0.8");
  }

  @Test
  void serverErrorsKeepTheServerCodeAndMessage() {
    assertThatThrownBy(() -> client.getExperiment("987654"))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    client.createExperiment("twice");
    assertThatThrownBy(() -> client.createExperiment("twice"))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS))
        .hasMessageContaining("twice");
    assertThat(client.getExperimentByName("never-created")).isEmpty();
  }

  @Test
  void unreachableServerIsTemporarilyUnavailable() throws IOException {
    int freePort;
    try (ServerSocket s = new ServerSocket(0)) {
      freePort = s.getLocalPort();
    }
    CairnClient nowhere = CairnClient.connect("http://127.0.0.1:" + freePort);
    assertThatThrownBy(() -> nowhere.createExperiment("x"))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
        .hasMessageContaining("127.0.0.1:" + freePort);
  }

  @Test
  void connectRejectsNonHttpUris() {
    assertThatThrownBy(() -> CairnClient.connect("file:./mlruns"))
        .isInstanceOf(CairnException.class).hasMessageContaining("http://host:port");
    assertThat(CairnClient.connect("http://h:1/").trackingUri()).isEqualTo("http://h:1");
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Hashing.sha256Hex(in);
    }
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
  }
}
