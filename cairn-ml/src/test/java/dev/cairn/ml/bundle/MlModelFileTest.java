package dev.cairn.ml.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLmodel file beside a logged bundle: the cairn flavor, the signature as MLflow's JSON strings, valid YAML. */
class MlModelFileTest {
  @TempDir Path dir;

  @Test
  void namesTheBundleAndItsRuntimeAndCarriesTheSignatureAsOneLineJson() throws Exception {
    Path csv = Files.writeString(dir.resolve("churn.csv"), ModelBundleTest.churnCsv(200, 1));
    Path bundle = ModelBundleTest.train(csv, "cart", 1).write(dir.resolve("bundle"));
    MlModelFile.write(bundle, "m-0123", "it's-a-run");
    String text = Files.readString(bundle.resolve("MLmodel"));
    // as MLflow's PyYAML writes it: single-quoted strings, the JSON unescaped on one line
    assertThat(text).contains("  inputs: '[{\"type\":\"double\",\"name\":\"tenure\",\"required\":true},")
        .contains("run_id: 'it''s-a-run'\n");
    JsonNode yaml = Json.YAML.readTree(text);
    assertThat(yaml.at("/flavors/cairn/bundle").asText()).isEqualTo("bundle.json");
    assertThat(yaml.at("/flavors/cairn/format_version").asInt()).isEqualTo(1);
    assertThat(yaml.at("/flavors/cairn/runtime").asText()).isEqualTo("tribuo");
    assertThat(yaml.at("/flavors/cairn/bundle_id").asText()).isEqualTo(ModelBundle.load(bundle).id());
    assertThat(yaml.at("/model_id").asText()).isEqualTo("m-0123");
    assertThat(yaml.at("/run_id").asText()).isEqualTo("it's-a-run");
    assertThat(yaml.at("/signature/params").isNull()).isTrue();
    JsonNode inputs = Json.MAPPER.readTree(yaml.at("/signature/inputs").asText());
    assertThat(inputs).hasSize(3);
    assertThat(inputs.get(2).path("name").asText()).isEqualTo("plan");
    assertThat(inputs.get(2).path("type").asText()).isEqualTo("string");
    assertThat(Json.MAPPER.readTree(yaml.at("/signature/outputs").asText()).get(0).path("name").asText())
        .isEqualTo("churned");
  }
}
