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
 * docs/datasets.md runs as written: every command of its console blocks, in a fresh folder, with {@code ./cairn}
 * being this build's CLI and the sample data from examples/churn, prints what the page shows.
 */
class DatasetsDocTest {
  @TempDir Path work;

  @Test
  void theWalkThroughPrintsWhatThePageShows() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Files.createSymbolicLink(work.resolve("examples"), repo.resolve("examples"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // ./cairn for commands run through sh (pipes, $?): this build's CLI, as the launcher script would run it
    Path launcher = work.resolve("cairn");
    Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' dev.cairn.cli.Main \"$@\"\n");
    launcher.toFile().setExecutable(true);
    DocRunner runner = new DocRunner(work, Map.of(
        "./cairn", List.of(java, "-cp", System.getProperty("java.class.path"), "dev.cairn.cli.Main"),
        "java", List.of(java)), 120,
        env -> env.keySet().removeIf(k -> k.startsWith("CAIRN_") || k.startsWith("MLFLOW_")));
    List<DocRunner.Step> steps = DocRunner.steps(repo.resolve("docs/datasets.md"));
    assertThat(steps).hasSizeGreaterThan(10);
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
