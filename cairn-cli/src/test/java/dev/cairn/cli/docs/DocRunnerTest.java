package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocRunnerTest {
  @TempDir Path dir;

  @Test
  void readsCommandsAndOutputOfConsoleBlocksOnly() throws Exception {
    Path page = dir.resolve("page.md");
    Files.writeString(page, """
        Text.
        ```sh
        $ not-run
        ```
        ```console
        $ echo one
        one
        $ echo "two words"
        two words
        ```
        ```java
        $ also not run
        ```
        """);
    List<DocRunner.Step> steps = DocRunner.steps(page);
    assertThat(steps).extracting(DocRunner.Step::command).containsExactly("echo one", "echo \"two words\"");
    assertThat(steps.get(0).line()).isEqualTo(6);
    assertThat(steps.get(1).expected()).containsExactly("two words");

    DocRunner runner = new DocRunner(dir, Map.of("say", List.of("echo", "said:")), 30, env -> { });
    assertThat(runner.run(new DocRunner.Step(1, "say 'a  b' c", List.of())).output()).isEqualTo("said: a  b c\n");
    assertThat(runner.run(new DocRunner.Step(1, "echo x > f; cat f", List.of())).output()).isEqualTo("x\n");
    // with shell syntax the whole line goes to sh, where the mapping does not apply
    assertThat(runner.run(new DocRunner.Step(1, "say x | cat", List.of())).output()).contains("say").contains("not found");
  }

  @Test
  void placeholdersMatchTimesAnyTextAndAnyNumberOfLines() {
    DocRunner.Step step = new DocRunner.Step(1, "x", List.of("created <time> by <any>", "...", "end"));
    assertThat(DocRunner.mismatch(step, "created 2026-11-23 20:44:49Z by ada\na\nb\nend\n")).isNull();
    assertThat(DocRunner.mismatch(step, "created 2026-11-23 20:44:49Z by ada\nend\n")).isNull();
    assertThat(DocRunner.mismatch(step, "created yesterday by ada\nend\n")).contains("the page shows");
    assertThat(DocRunner.mismatch(step, "created 2026-11-23 20:44:49Z by ada\nend\nmore\n")).isNotNull();
    assertThat(DocRunner.lineMatches("a.b (c)", "a.b (c)")).isTrue();
    assertThat(DocRunner.lineMatches("a.b (c)", "axb (c)")).isFalse();
  }
}
