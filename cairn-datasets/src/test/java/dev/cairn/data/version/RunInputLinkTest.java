package dev.cairn.data.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.tracking.DatasetInput;
import dev.cairn.tracking.Run;
import dev.cairn.tracking.ViewType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that logs a dataset version as its input is found by MLflow's datasets.* search filters. */
class RunInputLinkTest {
  @TempDir Path dir;

  @Test
  void runsTrainedOnAVersionAreFoundByDatasetNameAndDigest() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,a\n2,b\n3,a\n");
    try (MetadataStore tracking = MetadataStores.open("sqlite:" + dir.resolve("cairn.db"), "file:" + dir.resolve("a"));
        ArtifactStore artifacts = ArtifactStores.open("file:" + dir.resolve("artifacts"));
        DatasetVersionStore datasets = DatasetVersionStore.open("sqlite:" + dir.resolve("cairn.db"))) {
      DatasetVersioning versioning = new DatasetVersioning(datasets, artifacts, StatCache.inMemory(),
          LibraryTableProfiler.INSTANCE);
      DatasetVersion v1 = versioning.add(data, "churn", "first", "alice", Map.of()).version();

      String exp = tracking.createExperiment("link", null, List.of());
      String trained = tracking.createRun(exp, "alice", 1L, "trained", List.of()).runId();
      String other = tracking.createRun(exp, "alice", 2L, "other", List.of()).runId();
      DatasetInput input = v1.toRunInput("training");
      tracking.logInputs(trained, List.of(input));

      assertThat(v1.manifestSha256()).startsWith(input.digest());
      assertThat(input.digest()).hasSize(32);
      assertThat(input.source()).isEqualTo("cairn-dataset:churn@1");
      Run reloaded = tracking.getRun(trained);
      assertThat(reloaded.inputs()).singleElement().satisfies(i -> {
        assertThat(i.name()).isEqualTo("churn");
        assertThat(i.profile()).contains("\"num_rows\":3").contains(v1.manifestSha256());
      });

      // a second version with other content, logged by the other run: each digest finds only its own run
      Files.writeString(data.resolve("train.csv"), "x,y\n1,a\n2,b\n3,a\n4,b\n");
      DatasetVersion v2 = versioning.add(data, "churn", "second", "alice", Map.of()).version();
      tracking.logInputs(other, List.of(v2.toRunInput("training")));
      assertThat(v2.runInputDigest()).isNotEqualTo(v1.runInputDigest());

      List<Run> byName = tracking.searchRuns(List.of(exp), "datasets.name = 'churn'", ViewType.ACTIVE_ONLY, 100,
          List.of(), null).items();
      assertThat(byName).extracting(r -> r.info().runId()).containsExactlyInAnyOrder(trained, other);
      for (Map.Entry<DatasetVersion, String> e : Map.of(v1, trained, v2, other).entrySet()) {
        List<Run> byDigest = tracking.searchRuns(List.of(exp),
            "datasets.digest = '" + e.getKey().runInputDigest() + "' OR attributes.run_name = 'nothing'",
            ViewType.ACTIVE_ONLY, 100, List.of(), null).items();
        assertThat(byDigest).extracting(r -> r.info().runId()).containsExactly(e.getValue());
      }
    }
  }
}
