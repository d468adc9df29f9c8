package dev.cairn.pipeline.steps;

import dev.cairn.core.CairnException;
import dev.cairn.core.Hashing;
import dev.cairn.core.Json;
import dev.cairn.ml.frame.Frame;
import dev.cairn.ml.transform.FeatureSpec;
import dev.cairn.ml.transform.FittedFeatures;
import dev.cairn.pipeline.ParamType;
import dev.cairn.pipeline.Step;
import dev.cairn.pipeline.StepContext;
import dev.cairn.pipeline.StepSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Built-in step {@code transform}: fits feature transforms (impute, standardise, one-hot, bucketise) on input
 * {@code train} only, and outputs the fitted parameters ({@code features}, JSON), which the train step bundles so
 * serving applies the same code. Parameter {@code spec}: a YAML or JSON feature spec file relative to the pipeline
 * file (docs/ml.md); empty: every column but {@code label} and {@code exclude} (comma-separated), numbers imputed by
 * median and standardised, categories imputed by the most frequent and one-hot encoded.
 */
public final class FitTransforms implements Step {
  private final Path baseDir;

  public FitTransforms(Path baseDir) {
    this.baseDir = baseDir;
  }

  @Override
  public StepSpec spec() {
    return StepSpec.builder()
        .input("train", "table")
        .output("features", "transformer")
        .param("label", ParamType.STRING, null)
        .param("spec", ParamType.STRING, "")
        .param("exclude", ParamType.STRING, "")
        .version("1")
        .build();
  }

  @Override
  public Map<String, String> externalState(Map<String, Object> params) throws IOException {
    String spec = (String) params.get("spec");
    if (spec.isEmpty()) {
      return Map.of();
    }
    try (InputStream in = Files.newInputStream(specFile(spec))) {
      return Map.of("spec_sha256", Hashing.sha256Hex(in));
    }
  }

  @Override
  public void run(StepContext context) throws Exception {
    Frame train = Tables.frame(context, "train");
    String label = context.stringParam("label");
    List<String> exclude = new ArrayList<>(names(context.stringParam("exclude")));
    exclude.add(label);
    for (String column : exclude) {
      if (!train.columnNames().contains(column)) {
        throw CairnException.invalid("column '" + column + "' is not in the table; its columns: "
            + String.join(", ", train.columnNames()));
      }
    }
    String specParam = context.stringParam("spec");
    FeatureSpec spec = specParam.isEmpty() ? FeatureSpec.auto(train.schema(), exclude)
        : FeatureSpec.fromValue(Json.YAML.readValue(specFile(specParam).toFile(), Object.class));
    FittedFeatures fitted = spec.fit(train);
    context.writeOutput("features", Json.MAPPER.writeValueAsString(fitted));
    context.log(fitted.featureNames().size() + " features from " + fitted.inputSchema().size() + " columns: "
        + String.join(", ", fitted.featureNames()));
  }

  static List<String> names(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private Path specFile(String spec) {
    Path file = baseDir.resolve(spec).normalize();
    if (!Files.isRegularFile(file)) {
      throw CairnException.invalid("feature spec '" + spec + "' (" + file + ") does not exist");
    }
    return file;
  }
}
