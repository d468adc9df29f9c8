package dev.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.core.Json;
import dev.cairn.tracking.LifecycleStage;
import dev.cairn.tracking.Metric;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.RunStatus;
import dev.cairn.tracking.ViewType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user of MLflow's client reaches for first, each against a real server. */
class CairnClientMlflowParityTest extends AgainstServer {

  private static ActiveRun start(String name) {
    return client.startRun(experimentId, name, RunOptions.defaults().withAutoTags(false));
  }

  @Test
  void logArtifactsUploadsADirectoryRecursivelyKeepingRelativePaths(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    byte[] weights = new byte[70_000];
    new Random(7).nextBytes(weights);
    Files.writeString(dir.resolve("a.txt"), "alpha");
    Files.write(Files.createDirectories(dir.resolve("model")).resolve("weights.bin"), weights);
    Files.writeString(Files.createDirectories(dir.resolve("model/eval/plots")).resolve("c.csv"), "x,y\n1,2\n");
    Files.createDirectories(dir.resolve("empty"));

    String runId;
    List<String> written;
    try (ActiveRun run = start("dir")) {
      runId = run.runId();
      written = run.logArtifacts(dir, "outputs");
    }
    List<String> atRoot = client.uploadArtifacts(runId, dir.resolve("model"), null);

    assertThat(written).containsExactly("outputs/a.txt", "outputs/model/eval/plots/c.csv", "outputs/model/weights.bin");
    assertThat(atRoot).containsExactly("eval/plots/c.csv", "weights.bin");
    assertThat(client.listArtifacts(runId, "outputs")).extracting(ArtifactFile::path, ArtifactFile::isDir)
        .containsExactlyInAnyOrder(tuple("outputs/a.txt", false), tuple("outputs/model", true));
    Path back = client.downloadArtifact(runId, "outputs", tmp.resolve("back"));
    assertThat(Files.readString(back.resolve("a.txt"))).isEqualTo("alpha");
    assertThat(Files.readAllBytes(back.resolve("model/weights.bin"))).isEqualTo(weights);
    assertThat(Files.readString(back.resolve("model/eval/plots/c.csv"))).isEqualTo("x,y\n1,2\n");
    assertThat(Files.readAllBytes(client.downloadArtifact(runId, "weights.bin", tmp.resolve("root")))).isEqualTo(weights);
  }

  @Test
  void logArtifactsOfAMissingDirectoryNamesIt(@TempDir Path tmp) {
    try (ActiveRun run = start("no-dir")) {
      assertThatThrownBy(() -> run.logArtifacts(tmp.resolve("nope"), null))
          .isInstanceOf(CairnException.class).hasMessageContaining("nope").hasMessageContaining("not a directory");
    }
  }

  record TrainConfig(double lr, List<Integer> layers, String optimiser) {}

  @Test
  void textAndJsonAndYamlAreStoredAsArtifactFiles(@TempDir Path tmp) throws IOException {
    String runId;
    try (ActiveRun run = start("text")) {
      runId = run.runId();
      run.logText("accuracy 0.91 — better than baseline\n", "notes/summary.txt");
      run.logJson(Map.of("lr", 0.1, "layers", List.of(64, 32)), "config.json");
      run.logJson(new TrainConfig(0.01, List.of(8), "adam"), "config/train.yaml");
    }
    assertThat(Files.readString(client.downloadArtifact(runId, "notes/summary.txt", tmp), StandardCharsets.UTF_8))
        .isEqualTo("accuracy 0.91 — better than baseline\n");
    JsonNode json = Json.MAPPER.readTree(client.downloadArtifact(runId, "config.json", tmp).toFile());
    assertThat(json.path("lr").asDouble()).isEqualTo(0.1);
    assertThat(json.path("layers").toString()).isEqualTo("[64,32]");
    String yaml = Files.readString(client.downloadArtifact(runId, "config/train.yaml", tmp));
    assertThat(yaml).contains("lr: 0.01").contains("optimiser: \"adam\"").doesNotContain("{");
  }

  @Test
  void anArtifactFileNameMustNameAFileInsideTheRun() {
    try (ActiveRun run = start("bad-names")) {
      assertThatThrownBy(() -> run.logText("x", "")).isInstanceOf(CairnException.class).hasMessageContaining("empty");
      assertThatThrownBy(() -> run.logText("x", "../escape.txt"))
          .isInstanceOf(CairnException.class).hasMessageContaining("'..'");
      assertThat(client.listArtifacts(run.runId(), null)).isEmpty();
    }
  }

  @Test
  void logImageWritesAPngThatDecodesToTheSamePixels(@TempDir Path tmp) throws IOException {
    BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_ARGB);
    for (int x = 0; x < 7; x++) {
      for (int y = 0; y < 5; y++) {
        image.setRGB(x, y, (x * 36) << 24 | (y * 50) << 16 | (x * y * 6) << 8 | 200);
      }
    }
    String runId;
    try (ActiveRun run = start("image")) {
      runId = run.runId();
      run.logImage(image, "plots/heat.png");
      assertThatThrownBy(() -> run.logImage(image, "plots/heat.tiff"))
          .isInstanceOf(CairnException.class).hasMessageContaining(".png");
      assertThatThrownBy(() -> run.logImage(image, "plots/heat.jpg")) // JPEG has no alpha channel
          .isInstanceOf(CairnException.class).hasMessageContaining("use .png");
    }
    assertThat(client.listArtifacts(runId, "plots")).extracting(ArtifactFile::path).containsExactly("plots/heat.png");
    BufferedImage back = ImageIO.read(client.downloadArtifact(runId, "plots/heat.png", tmp).toFile());
    assertThat(back.getWidth()).isEqualTo(7);
    assertThat(back.getHeight()).isEqualTo(5);
    for (int x = 0; x < 7; x++) {
      for (int y = 0; y < 5; y++) {
        assertThat(back.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(image.getRGB(x, y));
      }
    }
  }

  @Test
  void childRunsCarryMlflowsParentTagAndSearchFindsThem() {
    String exp = client.createExperiment("nested");
    String parentId;
    String viaOptions;
    try (ActiveRun parent = client.startRun(exp, "sweep", RunOptions.defaults().withAutoTags(false))) {
      parentId = parent.runId();
      for (int fold = 0; fold < 2; fold++) {
        try (ActiveRun child = parent.startChildRun("fold-" + fold)) {
          child.logMetric("acc", 0.8 + fold / 10.0);
        }
      }
      try (ActiveRun other = client.startRun(exp, "by-options",
          RunOptions.defaults().withAutoTags(false).withParentRunId(parentId))) {
        viaOptions = other.runId();
      }
    }
    var children = client.searchRuns(List.of(exp), "tags.mlflow.parentRunId = '" + parentId + "'",
        List.of("attributes.run_name ASC"), 10, null).items();
    assertThat(children).extracting(r -> r.info().runName()).containsExactly("by-options", "fold-0", "fold-1");
    assertThat(children).allSatisfy(r ->
        assertThat(CairnClient.tagMap(r.tags())).containsEntry(CairnClient.PARENT_RUN_ID_TAG, parentId));
    assertThat(CairnClient.tagMap(client.getRun(parentId).tags())).doesNotContainKey(CairnClient.PARENT_RUN_ID_TAG);
    assertThat(client.getRun(viaOptions).info().experimentId()).isEqualTo(exp);
  }

  @Test
  void getOrCreateExperimentGivesOneIdPerNameEvenUnderARace() throws Exception {
    String first = client.getOrCreateExperiment("churn-model");
    assertThat(client.getOrCreateExperiment("churn-model")).isEqualTo(first);
    assertThat(client.getExperiment(first).name()).isEqualTo("churn-model");

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<String>> racers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        racers.add(() -> client.getOrCreateExperiment("raced"));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : pool.invokeAll(racers)) {
        ids.add(f.get());
      }
      assertThat(ids).hasSize(8).containsOnly(ids.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void getOrCreateExperimentRefusesADeletedOneAndSaysHowToRestoreIt() {
    String id = client.getOrCreateExperiment("retired");
    client.deleteExperiment(id);
    assertThatThrownBy(() -> client.getOrCreateExperiment("retired"))
        .isInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("deleted").hasMessageContaining("restoreExperiment(\"" + id + "\")");
    client.restoreExperiment(id);
    assertThat(client.getOrCreateExperiment("retired")).isEqualTo(id);
  }

  @Test
  void runsEndWithTheStatusAsked() {
    ActiveRun killed = start("end-killed");
    killed.logMetric("loss", 0.3);
    killed.end(RunStatus.KILLED);
    Run k = client.getRun(killed.runId());
    assertThat(k.info().status()).isEqualTo(RunStatus.KILLED);
    assertThat(k.info().endTime()).isNotNull();
    assertThat(k.metrics()).extracting(Metric::key).containsExactly("loss");

    ActiveRun elsewhere = start("end-by-id");
    elsewhere.flush();
    assertThat(client.endRun(elsewhere.runId(), RunStatus.FAILED).status()).isEqualTo(RunStatus.FAILED);
    assertThat(client.getRun(elsewhere.runId()).info().status()).isEqualTo(RunStatus.FAILED);
    elsewhere.endAs(RunStatus.FAILED);
    elsewhere.close();

    assertThatThrownBy(() -> client.endRun(elsewhere.runId(), RunStatus.RUNNING))
        .isInstanceOf(CairnException.class).hasMessageContaining("not terminal");
  }

  @Test
  void metricHistoryFollowsPageTokensInStepOrder() {
    String runId;
    try (ActiveRun run = start("history")) {
      runId = run.runId();
      for (int step = 2_499; step >= 0; step--) { // logged backwards: the server orders by step
        run.logMetric("loss", 1.0 / (step + 1), step);
      }
    }
    List<Metric> paged = client.getMetricHistory(runId, "loss", 1_000); // three pages: 1000, 1000, 500
    assertThat(paged).hasSize(2_500);
    assertThat(paged).extracting(Metric::step).isSorted().doesNotHaveDuplicates().startsWith(0L).endsWith(2_499L);
    assertThat(paged).isEqualTo(client.getMetricHistory(runId, "loss"));
  }

  @Test
  void deletedRunsLeaveSearchUntilRestored() {
    String exp = client.createExperiment("delete-restore");
    String keep = client.run(exp, "keep", run -> run.logMetric("acc", 0.5));
    String gone = client.run(exp, "gone", run -> run.logMetric("acc", 0.6));

    client.deleteRun(gone);
    assertThat(client.getRun(gone).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(client.searchRuns(List.of(exp), null, null, 10, null).items()).extracting(r -> r.info().runId())
        .containsExactly(keep);
    assertThat(client.searchRuns(List.of(exp), null, null, 10, null, ViewType.DELETED_ONLY).items())
        .extracting(r -> r.info().runId()).containsExactly(gone);

    client.restoreRun(gone);
    assertThat(client.getRun(gone).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(client.searchRuns(List.of(exp), "metrics.acc > 0.55", null, 10, null, ViewType.ALL).items())
        .extracting(r -> r.info().runId()).containsExactly(gone);
  }
}
