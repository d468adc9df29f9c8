package dev.cairn.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn pipeline run/resume/show/list} on the embedded stores, with the dataset and validate steps. */
class PipelineCommandTest {
  private static final Pattern RUN_ID = Pattern.compile("pipeline run ([0-9a-f]{32})");

  @TempDir Path tmp;
  Path project;
  String out;
  String err;

  @BeforeEach
  void setUp() throws IOException {
    project = Files.createDirectories(tmp.resolve("project"));
    Files.createDirectories(project.resolve("raw"));
    Files.writeString(project.resolve("raw/people.csv"), "id,age\n1,30\n2,40\n");
    Files.writeString(project.resolve("suite.yaml"), "name: people\nexpectations:\n  - kind: range\n    column: age\n"
        + "    min: 0\n    max: 120\n");
    Files.writeString(project.resolve("pipeline.yaml"), """
        name: people
        steps:
          load:
            uses: dataset
            params:
              name: people
              path: raw
          check:
            uses: validate
            inputs:
              data: load.data
            params:
              suite: suite.yaml
        """);
  }

  private int run(String... args) {
    Cli.Result r = Cli.onStores(tmp, "artifacts", "pipeline", args);
    out = r.out();
    err = r.err();
    return r.exitCode();
  }

  private String runId() {
    Matcher m = RUN_ID.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void runPrintsEachStepThenAllCacheHitsTheSecondTime() {
    // from another working directory: paths in the file are read beside it
    assertThat(run("run", project.resolve("pipeline.yaml").toString())).as(err).isZero();
    assertThat(out).contains("pipeline people: 2 steps, experiment people", "  load: running", "  load: done in",
        "  check: done in").containsPattern("SUCCEEDED in [0-9.]+ s; 2 ran, 0 cached, 0 failed, 0 skipped");

    assertThat(run("run", project.resolve("pipeline.yaml").toString())).isZero();
    assertThat(out).contains("  load: cached (from step run", "  check: cached")
        .contains("0 ran, 2 cached, 0 failed, 0 skipped");
    String second = runId();

    assertThat(run("show", second)).isZero();
    assertThat(out).containsPattern("load +CACHED").containsPattern("check +CACHED").contains("report ");
    assertThat(run("list")).isZero();
    assertThat(out.lines().filter(l -> l.contains(" people ") && l.contains("SUCCEEDED")).count()).isEqualTo(2);
  }

  @Test
  void aFailedRunSaysWhichStepAndHowToResumeAndResumeFinishesIt() throws IOException {
    Files.writeString(project.resolve("raw/people.csv"), "id,age\n1,30\n2,400\n");
    assertThat(run("run", project.resolve("pipeline.yaml").toString())).isEqualTo(1);
    String id = runId();
    assertThat(out).contains("  check: FAILED:");
    assertThat(err.strip()).startsWith("cairn: pipeline run " + id + " failed at step 'check'")
        .contains("range age").endsWith("cairn pipeline resume " + id);
    assertThat(err.strip().lines().count()).isEqualTo(1);

    // the suite was too strict: widen it and resume the same run
    Files.writeString(project.resolve("suite.yaml"), Files.readString(project.resolve("suite.yaml"))
        .replace("120", "500"));
    assertThat(run("resume", id)).as(err).isZero();
    assertThat(out).contains("resuming run " + id + " (attempt 2)", "  load: reused", "  check: done in")
        .contains("SUCCEEDED");
  }

  @Test
  void badInputIsOneLineNamingTheProblem() throws IOException {
    assertThat(run("run", project.resolve("missing.yaml").toString())).isEqualTo(1);
    assertThat(err.strip()).isEqualTo("cairn: pipeline file " + project.resolve("missing.yaml") + " does not exist");

    assertThat(run("run", project.resolve("pipeline.yaml").toString(), "-P", "check.sweet=1")).isEqualTo(1);
    assertThat(err.strip()).startsWith("cairn: ").contains("sweet").doesNotContain("Exception");
    assertThat(err.strip().lines().count()).isEqualTo(1);

    assertThat(run("show", "0123456789abcdef0123456789abcdef")).isEqualTo(1);
    assertThat(err.strip()).startsWith("cairn: ").contains("0123456789abcdef0123456789abcdef");
  }
}
