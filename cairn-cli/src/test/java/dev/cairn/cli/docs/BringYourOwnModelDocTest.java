package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.OnnxChurnModel;
import dev.cairn.ml.bundle.Bundle;
import dev.cairn.ml.bundle.Bundles;
import dev.cairn.ml.train.Predictions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/bring-your-own-model.md's walk-through, run against a fresh server with a Tribuo model exported to ONNX as
 * {@code model.onnx} and the page's own schema.yaml; then its Java snippet's load-and-predict on the downloaded folder.
 */
class BringYourOwnModelDocTest {
  static final Path PAGE = Path.of("..", "docs", "bring-your-own-model.md");

  @Test
  void theWalkThroughPrintsWhatThePageShowsAndTheDownloadPredicts(@TempDir Path work) throws Exception {
    OnnxChurnModel model = OnnxChurnModel.train();
    assertThat(model.labels()).as("the page's schema lists the labels in this order").containsExactly("no", "yes");
    Path session = Files.createDirectories(work.resolve("session"));
    Files.write(session.resolve("model.onnx"), model.onnx());
    Files.writeString(session.resolve("schema.yaml"), firstYamlBlock(Files.readString(PAGE)));

    assertThat(TrackingDocsTest.runPage(PAGE, work)).isEmpty();

    try (Bundle bundle = Bundles.load(session.resolve("partner"))) {
      Predictions p = bundle.predict(List.of(Map.of("plan", "basic", "tenure", 0.2),
          Map.of("plan", "pro", "tenure", 2.0)));
      assertThat(p.labels()).containsExactly("yes", "no");
      assertThat(p.probability(0, "yes")).isGreaterThan(0.5);
    }
  }

  private static String firstYamlBlock(String page) {
    int start = page.indexOf("```yaml\n") + "```yaml\n".length();
    return page.substring(start, page.indexOf("```", start));
  }
}
