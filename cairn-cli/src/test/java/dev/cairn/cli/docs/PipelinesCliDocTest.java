package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/pipelines.md's console walk-through runs as written in a fresh folder, {@code ./cairn} being this build's CLI
 * and examples/ the repository's.
 */
class PipelinesCliDocTest {
  @TempDir Path work;

  @Test
  void theChurnWalkThroughPrintsWhatThePageShows() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Files.createSymbolicLink(work.resolve("examples"), repo.resolve("examples"));
    DocRunner runner = DocRunner.forThisBuild(work, 300);
    List<DocRunner.Step> steps = DocRunner.steps(repo.resolve("docs/pipelines.md"));
    assertThat(steps).hasSize(3);
    List<String> mismatches = runner.mismatches(steps);
    assertThat(mismatches).isEmpty();
  }
}
