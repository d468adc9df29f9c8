package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/logged-models.md's HTTP walk-through (curl and jq, as MLflow 3's log_model calls), run against a fresh server. */
class LoggedModelsDocTest {
  static final Path PAGE = Path.of("..", "docs", "logged-models.md");

  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    assertThat(TrackingDocsTest.runPage(PAGE, work)).isEmpty();
  }
}
