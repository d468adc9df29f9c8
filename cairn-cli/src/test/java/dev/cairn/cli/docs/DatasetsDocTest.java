package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/datasets.md runs as written: every command of its console blocks, in a fresh folder, with {@code ./cairn}
 * being this build's CLI and the sample data from examples/churn, prints what the page shows.
 */
class DatasetsDocTest {
  @TempDir Path work;

  @Test
  void theWalkThroughPrintsWhatThePageShows() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Files.createSymbolicLink(work.resolve("examples"), repo.resolve("examples"));
    DocRunner runner = DocRunner.forThisBuild(work, 120);
    List<DocRunner.Step> steps = DocRunner.steps(repo.resolve("docs/datasets.md"));
    assertThat(steps).hasSizeGreaterThan(10);
    List<String> mismatches = runner.mismatches(steps);
    assertThat(mismatches).isEmpty();
  }
}
