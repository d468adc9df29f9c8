package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path launcher = work.resolve("cairn"); // for the commands sh runs (quoted '>=')
    Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' dev.cairn.cli.Main \"$@\"\n");
    launcher.toFile().setExecutable(true);
    DocRunner runner = new DocRunner(work, Map.of(
        "./cairn", List.of(java, "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main")), 300,
        env -> env.keySet().removeIf(k -> k.startsWith("CAIRN_") || k.startsWith("MLFLOW_")));
    List<DocRunner.Step> steps = DocRunner.steps(repo.resolve("docs/pipelines.md"));
    assertThat(steps).hasSize(3);
    List<String> mismatches = new ArrayList<>();
    for (DocRunner.Step step : steps) {
      String problem = DocRunner.mismatch(step, runner.run(step).output());
      if (problem != null) {
        mismatches.add(problem);
      }
    }
    assertThat(mismatches).isEmpty();
  }
}
