package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.identity.Role;
import dev.cairn.server.auth.RouteRules;
import dev.cairn.store.MetadataStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset pages as plain HTTP: list, history, version profile, diff and drift, all in the HTML, escaped. */
class DatasetPagesTest {
  @TempDir static Path dir;
  static DatasetFixture fx;

  @BeforeAll
  static void start() {
    fx = new DatasetFixture(dir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static String page(String path) {
    HttpResponse<String> r = fx.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
    return r.body();
  }

  /** The section of the page about one column: from its opening tag to the next section's. */
  static String columnSection(String html, String column) {
    int start = html.indexOf("class=\"column-profile\" data-column=\"" + column + "\"");
    assertThat(start).as("section of column " + column).isPositive();
    int end = html.indexOf("class=\"column-profile\"", start + 10);
    return html.substring(start, end < 0 ? html.length() : end);
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void listShowsTheNewestVersionWithItsSizeAndRows() {
    String html = page("/ui/datasets");
    JsonNode latest = fx.api("/sensors/versions/latest").path("version");
    assertThat(html).contains("<a href=\"/ui/datasets/sensors\">sensors</a>", "<a href=\"/ui/datasets/sensors/2\">2</a>")
        .contains(">" + latest.path("row_count").asLong() + "</td>")
        .contains(DatasetViews.shortHash(latest.path("content_sha256").asText()))
        .contains(DatasetViews.size(latest.path("total_size").asLong()));
  }

  @Test
  void historyListsVersionsNewestFirstWithDiffAndDriftLinks() {
    String html = page("/ui/datasets/sensors");
    assertThat(html.indexOf("data-version=\"2\"")).isLessThan(html.indexOf("data-version=\"1\""));
    assertThat(html).contains("<td>ana</td>", "<td>shifted</td>")
        .contains("href=\"/ui/datasets/sensors/diff?from=1&amp;to=2\"")
        .contains("href=\"/ui/datasets/drift?reference=sensors%401&amp;current=sensors%402\"")
        .contains("first readings &lt;img src=x onerror=alert(1)&gt;").doesNotContain(DatasetFixture.XSS);
  }

  @Test
  void versionShowsFilesSchemaAndAProfilePerColumnWithTheStoredHistogram() {
    String html = page("/ui/datasets/sensors/1");
    JsonNode x = null;
    for (JsonNode c : fx.api("/sensors/versions/1").path("profile").path("table.csv").path("profile").path("columns")) {
      if (c.path("name").asText().equals("x")) {
        x = c;
      }
    }
    assertThat(x).isNotNull();
    String section = columnSection(html, "x");
    int bins = x.path("histogram").size();
    assertThat(bins).isEqualTo(10);
    assertThat(section).contains("data-bins=\"" + bins + "\"").contains("<small class=\"type\">float</small>")
        .contains("<dt>Missing</dt><dd>0 (0.0%)</dd>", "<dt>Distinct</dt><dd>" + DatasetFixture.ROWS + "</dd>")
        .contains("<dt>Mean</dt><dd>" + UiViews.number(x.path("mean").asDouble()) + "</dd>")
        .contains("<dt>p50</dt>", "<dt>p99</dt>");
    assertThat(count(section, "<rect ")).isEqualTo(bins);
    // every bar's height is its count scaled to the tallest; the tallest bar fills the chart
    long top = 0;
    for (JsonNode b : x.path("histogram")) {
      top = Math.max(top, b.path("count").asLong());
    }
    assertThat(section).contains("height=\"" + (DatasetViews.CHART_HEIGHT - 2) + ".0\"><title>");
    assertThat(section).contains(": " + top + "</title>");
    String kind = columnSection(html, "kind");
    assertThat(kind).contains("<small class=\"type\">categorical</small>", "<td>red</td>", "<td>blue</td>")
        .contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain(DatasetFixture.XSS);
    assertThat(html).contains("id=\"files\"", "<td>table.csv</td>").contains("class=\"grid schema\"");
  }

  @Test
  void diffShowsTheNewFileAndTheSchemaChanges() {
    String html = page("/ui/datasets/sensors/diff?from=1&to=2");
    assertThat(html).contains("1 added, 0 removed, 1 changed, 0 unchanged")
        .contains("<tr class=\"added\"><td>added</td><td>README.txt</td>")
        .contains("<tr class=\"changed\"><td>changed</td><td>table.csv</td>")
        .contains("class=\"added\" data-column=\"extra\"")
        .contains("class=\"domain_changed\" data-column=\"kind\"").contains("+green");
    HttpResponse<String> missing = fx.get("/ui/datasets/sensors/diff?from=1");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("id=\"page-error\"", "query parameter to is missing");
  }

  @Test
  void driftGivesAVerdictPerColumnWithTwoOverlaidSeries() {
    String html = page("/ui/datasets/drift?reference=sensors@1&current=sensors@latest");
    JsonNode api = fx.api("/drift?reference=sensors@1&current=sensors@2").path("tables").path("table.csv");
    List<String> verdicts = new ArrayList<>();
    Matcher m = Pattern.compile("<tr class=\"(drifted|stable)\" data-column=\"([^\"]+)\">").matcher(html);
    while (m.find()) {
      verdicts.add(m.group(2) + "=" + m.group(1));
    }
    List<String> expected = new ArrayList<>();
    for (JsonNode c : api.path("columns")) {
      expected.add(c.path("column").asText() + "=" + (c.path("drifted").asBoolean() ? "drifted" : "stable"));
    }
    assertThat(verdicts).containsExactlyElementsOf(expected).contains("x=drifted", "score=stable");
    assertThat(count(html, "data-series=\"2\"")).isEqualTo(expected.size());
    assertThat(html).contains("<g class=\"reference\">", "<g class=\"current\">")
        .contains("data-bins=\"" + DatasetViews.OVERLAY_BINS + "\"");
  }

  @Test
  void validationChecksAVersionAgainstTheExpectationsOfTheOneBeforeWithFailingRows() {
    assertThat(page("/ui/datasets/sensors/2")).contains("href=\"/ui/datasets/sensors/2/validate\"");
    String html = page("/ui/datasets/sensors/2/validate");
    assertThat(html).contains("against expectations from version", ">failed: ");
    List<String> failed = new ArrayList<>();
    Matcher m = Pattern.compile("<tr class=\"failed\"><td>([^<]+)</td>").matcher(html);
    while (m.find()) {
      failed.add(m.group(1));
    }
    // version 2 brought kind "green" and moved x by three standard deviations; score stayed in its range
    assertThat(failed).anyMatch(f -> f.startsWith("allowed_values kind")).anyMatch(f -> f.startsWith("range x"))
        .noneMatch(f -> f.contains("score"));
    int row = html.indexOf("<tr class=\"failed\"><td>allowed_values kind");
    assertThat(html.substring(row, html.indexOf("</tr>", row))).contains("<code>green</code>").containsPattern("line \\d+");
    // the first version has nothing before it; another version can be named
    HttpResponse<String> first = fx.get("/ui/datasets/sensors/1/validate");
    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(first.body()).contains("no earlier version");
    assertThat(page("/ui/datasets/sensors/1/validate?suite_from=1")).contains(">passed: 0 of ");
  }

  @Test
  void refusalsAnswerHtmlErrorPages() {
    HttpResponse<String> unknown = fx.get("/ui/datasets/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("id=\"page-error\"", "dataset 'nope' does not exist");
    HttpResponse<String> noVersion = fx.get("/ui/datasets/sensors/9");
    assertThat(noVersion.statusCode()).isEqualTo(404);
    assertThat(noVersion.body()).contains("its versions are 1..2");
    HttpResponse<String> noReference = fx.get("/ui/datasets/drift?current=sensors@2");
    assertThat(noReference.statusCode()).isEqualTo(400);
    assertThat(noReference.body()).contains("query parameter reference is missing");
  }

  @Test
  void aRunsDatasetInputLinksToTheVersionPage() throws Exception {
    MetadataStore store = fx.server.metadataStore();
    String experiment = store.createExperiment("uses-sensors", null, List.of());
    String run = store.createRun(experiment, "ana", System.currentTimeMillis(), "trained", List.of()).runId();
    HttpResponse<String> logged = fx.http.send(HttpRequest.newBuilder(URI.create(fx.url(
        "/api/cairn/v1/datasets/sensors/versions/1/run-inputs"))).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"run_id\": \"" + run + "\", \"context\": \"training\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(logged.statusCode()).as(logged.body()).isEqualTo(200);
    assertThat(page("/ui/run?run_id=" + run)).contains("<td><a href=\"/ui/datasets/sensors/1\">sensors</a></td>");
    assertThat(DatasetViews.inputUrl("cairn-dataset:sensors@latest")).isEqualTo("/ui/datasets/sensors/latest");
    assertThat(DatasetViews.inputUrl("cairn-dataset:bad name@1")).isNull();
    assertThat(DatasetViews.inputUrl("datasets/churn@3")).isNull();
  }

  @Test
  void timestampsEmptyColumnsAndMissingValuesRender() {
    fx.addVersion("mixed", java.util.Map.of("m.csv", "when,empty,n\n2024-05-01,,1\n2024-05-03,,\n2024-06-01T10:00:00Z,,3\n"),
        "mixed columns");
    String html = page("/ui/datasets/mixed/latest");
    assertThat(columnSection(html, "when")).contains("<small class=\"type\">timestamp</small>")
        .contains("<dt>Min</dt><dd>2024-05-01T00:00:00Z</dd>", "<dt>Max</dt><dd>2024-06-01T10:00:00Z</dd>");
    assertThat(columnSection(html, "empty")).contains("<dt>Missing</dt><dd>3 (100.0%)</dd>", "No values to draw.");
    assertThat(columnSection(html, "n")).contains("<dt>Missing</dt><dd>1 (33.3%)</dd>", "data-bins=\"10\"");
  }

  @Test
  void aDatasetNamedDriftKeepsItsHistoryPage() {
    fx.addVersion("drift", java.util.Map.of("notes.txt", "a dataset named like a page"), "named drift");
    assertThat(page("/ui/datasets/drift")).contains("<h1>drift</h1>", "<td>named drift</td>");
    assertThat(page("/ui/datasets/drift/1")).contains("<td>notes.txt</td>");
    assertThat(fx.get("/ui/datasets/drift?reference=drift@1").body()).contains("query parameter current is missing");
  }

  @Test
  void datasetPagesNeedAGlobalViewerGrantLikeTheDatasetApi() {
    for (String route : List.of("/ui/datasets", "/ui/datasets/drift", "/ui/datasets/{name}",
        "/ui/datasets/{name}/diff", "/ui/datasets/{name}/{version}")) {
      RouteRules.Rule rule = RouteRules.find("GET", route);
      assertThat(rule.role()).as(route).isEqualTo(Role.VIEWER);
      assertThat(rule.scope()).as(route).isEqualTo(RouteRules.ScopeFrom.GLOBAL);
    }
  }

  @Test
  void everyDatasetUrlOfTheDocsAnswersAPage() throws Exception {
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(UiDocsTest.DOC)) {
      if (line.startsWith(UiDocsTest.HOST + "/ui/datasets")) {
        urls.add(line.strip().substring(UiDocsTest.HOST.length()));
      }
    }
    assertThat(urls).hasSizeGreaterThanOrEqualTo(5);
    for (String url : urls) {
      assertThat(page(url.replace("NAME", DatasetFixture.NAME))).as(url).contains("<main>");
    }
  }
}
