package dev.cairn.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/deployments.md's shell session, run as written against a fresh server in a temporary folder. */
class DeploymentsDocTest {
  static final Path PAGE = Path.of("..", "docs", "deployments.md");

  @Test
  void theWalkThroughPrintsWhatThePageShows(@TempDir Path work) throws Exception {
    assertThat(TrackingDocsTest.runPage(PAGE, work)).isEmpty();
  }
}
