package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.docs.DocRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/serving.md's {@code cairn score} walk-through runs as written, with a bundle trained here as bundles/churn. */
class ScoreDocTest {
  @TempDir Path work;

  @Test
  void theScoreWalkThroughPrintsWhatThePageShows() throws Exception {
    ScoreCommandTest.train(work.resolve("bundles/churn"));
    Files.writeString(work.resolve("customers.csv"), "id,tenure,plan,age\nc1,3,basic,31\nc2,40,pro,58\n"
        + "c3,,plus,45\nc4,12,basic,22\n");
    Files.writeString(work.resolve("typo.csv"), "id,tenure,plan,age\nc1,3,basic,31\nc2,twelve,pro,58\n");
    Path repo = Path.of("..").toAbsolutePath().normalize();
    DocRunner runner = DocRunner.forThisBuild(work, 300);
    List<DocRunner.Step> steps = DocRunner.steps(repo.resolve("docs/serving.md"));
    assertThat(steps).hasSize(4);
    List<String> mismatches = runner.mismatches(steps);
    assertThat(mismatches).isEmpty();
    assertThat(Files.readAllLines(work.resolve("predictions.csv"))).hasSize(5);
  }
}
