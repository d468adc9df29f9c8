package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page runner itself: steps, placeholders and a mismatch that must be reported. */
class ConsoleSessionTest {
  @Test
  void parsesStepsRunsThemInOneSessionAndReportsADifference(@TempDir Path tmp) throws Exception {
    Path page = Files.writeString(tmp.resolve("page.md"), String.join("\n",
        "text", "```bash", "$ not run", "```", "```console",
        "$ x=4f0c2e6a9b8d4c1e8a7b6c5d4e3f2a1b",
        "$ echo \"id $x at 2026-11-30 10:00:00Z\" \\",
        "  && echo second",
        "id <id> at <time>",
        "second",
        "$ printf 'a\\nb\\nc\\n'",
        "a",
        "...",
        "$ echo wrong",
        "right",
        "```", ""));
    List<ConsoleSession.Step> steps = ConsoleSession.steps(page);
    assertThat(steps).extracting(ConsoleSession.Step::line).containsExactly(6, 7, 11, 14);
    Path work = Files.createDirectories(tmp.resolve("work"));
    List<List<String>> outputs = ConsoleSession.run(steps, work, Map.of(), 60);
    assertThat(ConsoleSession.mismatch(page, steps.get(0), outputs.get(0))).isNull();
    assertThat(ConsoleSession.mismatch(page, steps.get(1), outputs.get(1))).isNull();
    assertThat(ConsoleSession.mismatch(page, steps.get(2), outputs.get(2))).isNull();
    assertThat(ConsoleSession.mismatch(page, steps.get(3), outputs.get(3)))
        .startsWith("page.md:14: $ echo wrong").contains("right", "wrong");
    assertThat(DocRunner.lineMatches("<id>", "4f0c2e6a9b8d4c1e8a7b6c5d4e3f2a1")).isFalse();
  }
}
