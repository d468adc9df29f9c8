package dev.cairn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.ArtifactStore;
import dev.cairn.store.ArtifactStores;
import dev.cairn.store.MetadataStore;
import dev.cairn.store.MetadataStores;
import dev.cairn.store.sql.SqlDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/pipelines.md as written: its {@code pipeline.yaml} and {@code params.yaml} (the blocks after a
 * {@code <!-- file: NAME -->} marker) load with the override it shows, run, and equal its Java DSL pipeline.
 */
class PipelinesDocTest {
  @TempDir Path dir;

  /** The Upper step of the page, as written there. */
  public static final class Upper implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder()
          .input("data", "text")
          .output("data", "text")
          .param("suffix", ParamType.STRING, "")
          .version("1")
          .build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      String text = java.nio.file.Files.readString(context.inputFile("data"));
      context.log("read " + text.length() + " characters");
      context.writeOutput("data", text.toUpperCase() + context.stringParam("suffix"));
    }
  }

  /** The page's {@code class:} step: joins its two inputs. */
  public static final class Join implements Step {
    @Override
    public StepSpec spec() {
      return StepSpec.builder().input("left", "text").input("right", "text").output("joined", "text").build();
    }

    @Override
    public void run(StepContext context) throws Exception {
      context.writeOutput("joined", Files.readString(context.inputFile("left"))
          + Files.readString(context.inputFile("right")));
    }
  }

  private static String docFile(String markdown, String name) {
    Matcher m = Pattern.compile("<!-- file: " + Pattern.quote(name) + " -->\\n```yaml\\n(.*?)```", Pattern.DOTALL)
        .matcher(markdown);
    assertThat(m.find()).as("docs/pipelines.md has a block for " + name).isTrue();
    return m.group(1);
  }

  @Test
  void thePagesPipelineLoadsWithItsOverrideRunsAndMatchesItsJavaDsl() throws IOException {
    String markdown = Files.readString(Path.of("..").toAbsolutePath().normalize().resolve("docs/pipelines.md"));
    Files.writeString(dir.resolve("pipeline.yaml"), docFile(markdown, "pipeline.yaml"));
    Files.writeString(dir.resolve("params.yaml"), docFile(markdown, "params.yaml"));
    Matcher override = Pattern.compile("List\\.of\\(\"([^\"]+)\"\\)\\);").matcher(markdown);
    assertThat(override.find()).isTrue();
    assertThat(override.group(1)).isEqualTo("load.count=5");

    StepRegistry registry = new StepRegistry().register("source", TestSteps.Source::new).register("upper", Upper::new);
    Pipeline p = PipelineYaml.load(dir.resolve("pipeline.yaml"), registry, List.of(override.group(1)));
    assertThat(p.steps()).extracting(Pipeline.Node::name).containsExactly("load", "shout", "both");
    assertThat(p.step("shout").orElseThrow().params()).containsEntry("suffix", "?");
    assertThat(p.step("both").orElseThrow().cache()).isFalse();

    Pipeline dsl = Pipeline.builder("churn")
        .step("load", new TestSteps.Source(), s -> s.param("count", 3))
        .step("shout", new Upper(), s -> s.input("data", "load.data").param("suffix", "?"))
        .step("both", new Join(), s -> s.input("left", "load.data").input("right", "shout.data").cache(false))
        .build();
    for (Pipeline.Node node : dsl.steps()) {
      Pipeline.Node fromYaml = p.withOverrides(List.of("load.count=3")).step(node.name()).orElseThrow();
      assertThat(fromYaml.inputs()).isEqualTo(node.inputs());
      assertThat(fromYaml.params()).isEqualTo(node.params());
      assertThat(fromYaml.cache()).isEqualTo(node.cache());
    }

    SqlDatabase db = MetadataStores.openDatabase("sqlite:" + dir.resolve("cairn.db"), List.of(PipelineStore.MIGRATIONS));
    try (ArtifactStore artifacts = ArtifactStores.open(dir.resolve("artifacts").toString());
        MetadataStore tracking = MetadataStores.open(db, artifacts.rootUri())) {
      PipelineExecutor executor = new PipelineExecutor(tracking, artifacts, PipelineStore.on(db));
      PipelineRun run = executor.run(p, RunOptions.defaults().withWorkRoot(dir.resolve("work")),
          PipelineEvent.Listener.NONE);
      assertThat(run.status()).isEqualTo(PipelineStatus.SUCCEEDED);
      try (InputStream in = artifacts.open(run.latest("both").output("joined").path())) {
        String rows = "rows:hello\n".repeat(5);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(rows + rows.toUpperCase() + "?");
      }
      PipelineRun again = executor.run(p, RunOptions.defaults().withWorkRoot(dir.resolve("work")),
          PipelineEvent.Listener.NONE);
      assertThat(again.latest("load").status()).isEqualTo(StepStatus.CACHED);
      assertThat(again.latest("shout").status()).isEqualTo(StepStatus.CACHED);
      assertThat(again.latest("both").status()).isEqualTo(StepStatus.SUCCEEDED);
    }
  }
}
