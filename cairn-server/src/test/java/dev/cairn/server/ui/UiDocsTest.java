package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/ui.md's page URLs, opened on a real server with its ids filled in: each answers a page. */
class UiDocsTest {
  static final Path DOC = Path.of("..", "docs", "ui.md");
  static final String HOST = "http://127.0.0.1:5000";

  @Test
  void everyUrlOfTheTourAnswersAPage(@TempDir Path dir) throws Exception {
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(DOC)) {
      // DatasetPagesTest, ModelPagesTest, PipelinePagesTest and DeploymentPagesTest open theirs
      if (line.startsWith(HOST + "/ui/") && !line.matches(java.util.regex.Pattern.quote(HOST)
          + "/ui/(datasets|models?\\b|pipelines?\\b|deployments?\\b|promotions|audit).*")) {
        urls.add(line.strip().substring(HOST.length()));
      }
    }
    assertThat(urls).hasSizeGreaterThanOrEqualTo(6);
    HttpClient http = HttpClient.newHttpClient();
    try (UiFixture fx = new UiFixture(dir)) {
      for (String url : urls) {
        String concrete = url.replace("EXPERIMENT_ID", fx.experimentId).replace("RUN_ID_2", fx.gamma)
            .replace("RUN_ID", fx.alpha);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(fx.url(concrete))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        assertThat(r.body()).as(url).contains("<main>").doesNotContain("id=\"filter-error\"");
      }
      String filtered = http.send(HttpRequest.newBuilder(URI.create(fx.url(urls.get(3)
          .replace("EXPERIMENT_ID", fx.experimentId)))).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(filtered).contains(fx.alpha, fx.gamma).doesNotContain(fx.beta);
    }
  }
}
