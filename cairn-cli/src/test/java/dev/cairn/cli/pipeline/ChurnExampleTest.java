package dev.cairn.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Cli;
import dev.cairn.ml.bundle.ModelBundle;
import dev.cairn.registry.ModelVersion;
import dev.cairn.store.registry.ModelRegistryStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/churn/pipeline.yaml as shipped: raw customers to a gated, registered model in one command; the second
 * run is all cache hits; a run without the cache trains the same bundle byte for byte.
 */
class ChurnExampleTest {
  static final Path PIPELINE = Path.of("..", "examples", "churn", "pipeline.yaml").toAbsolutePath().normalize();
  private static final Pattern RUN_ID = Pattern.compile("pipeline run ([0-9a-f]{32})");

  @TempDir Path tmp;

  private Cli.Result pipeline(String... args) {
    return Cli.onStores(tmp, "artifacts", "pipeline", args);
  }

  @Test
  void runsToARegisteredModelThenFromTheCache() throws IOException {
    assertThat(Files.isRegularFile(PIPELINE)).as(PIPELINE.toString()).isTrue();
    Cli.Result first = pipeline("run", PIPELINE.toString());
    assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
    assertThat(first.out()).contains("SUCCEEDED", "8 ran, 0 cached, 0 failed");

    assertRegisteredAndLoadable(runId(first.out()));

    Cli.Result second = pipeline("run", PIPELINE.toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("0 ran, 8 cached, 0 failed");

    Cli.Result fresh = pipeline("run", PIPELINE.toString(), "--no-cache");
    assertThat(fresh.exitCode()).as(fresh.out() + fresh.err()).isZero();
    Cli.Result show1 = pipeline("show", runId(first.out()));
    Cli.Result show3 = pipeline("show", runId(fresh.out()));
    assertThat(modelLine(show3.out())).as("same inputs and seed: the same bundle bytes").isEqualTo(modelLine(show1.out()));
  }

  /**
   * Version 1 of churn holds @champion, points at a READY logged model of the pipeline run whose files are the
   * bundle (it loads and predicts in one call), its MLmodel (flavor cairn, the input signature) and the evaluation.
   */
  private void assertRegisteredAndLoadable(String runId) throws IOException {
    String db = "sqlite:" + tmp.resolve("db/cairn.db");
    try (ModelRegistryStore registry = ModelRegistryStore.open(db)) {
      ModelVersion v = registry.getModelVersionByAlias("churn", "champion");
      assertThat(v.version()).isEqualTo(1);
      assertThat(v.runId()).isEqualTo(runId);
      Path files = tmp.resolve("artifacts/1/models").resolve(v.modelId()).resolve("artifacts");
      assertThat(Files.readString(files.resolve("MLmodel"))).contains("cairn:", "bundle_id:",
          "\"name\":\"tenure_months\"", "\"type\":\"double\"", "\"name\":\"contract\"", "\"type\":\"string\"");
      assertThat(Files.readString(files.resolve("evaluation.json"))).contains("\"roc_auc\"", "\"slices\"");
      // how the run made it: its data, each step's cache key, its source and environment (outside the bundle id)
      var provenance = dev.cairn.core.Json.MAPPER.readTree(files.resolve("provenance.json").toFile());
      assertThat(provenance.path("pipeline_run").asText()).isEqualTo(runId);
      assertThat(provenance.path("datasets").get(0).path("source").asText()).isEqualTo("cairn-dataset:churn-customers@1");
      assertThat(provenance.path("steps")).hasSize(8);
      assertThat(provenance.path("steps").path("train").path("cache_key").asText()).hasSize(64);
      assertThat(provenance.path("run_tags").path("cairn.jdk").asText()).isNotEmpty();
      assertThat(provenance.path("bundle_id").asText())
          .isEqualTo(dev.cairn.core.Json.MAPPER.readTree(files.resolve("bundle.json").toFile()).path("bundle_id").asText());
      ModelBundle bundle = ModelBundle.load(files);
      var p = bundle.predict(List.of(
          Map.of("tenure_months", 2, "monthly_charges", 110.0, "contract", "monthly", "region", "north", "senior", "yes"),
          Map.of("tenure_months", 70, "monthly_charges", 25.0, "contract", "two_year", "region", "south", "senior", "no")));
      // a new customer on a monthly contract paying much churns more likely than a loyal two-year one
      assertThat(p.probability(0, "1")).isGreaterThan(p.probability(1, "1"));
    }
  }

  private static String runId(String out) {
    Matcher m = RUN_ID.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  /** The train step's line of `pipeline show`, from its outputs on: "model <sha> (<size> B)". */
  private static String modelLine(String show) {
    String line = show.lines().filter(l -> l.startsWith("train ")).findFirst().orElseThrow();
    return line.substring(line.indexOf("model "));
  }
}
