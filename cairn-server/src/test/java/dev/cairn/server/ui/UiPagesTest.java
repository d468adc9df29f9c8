package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI's pages as plain HTTP: their data is in the HTML itself (no JavaScript needed), escaped. */
class UiPagesTest {
  @TempDir static Path dir;
  static UiFixture fx;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    fx = new UiFixture(dir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fx.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void rootRedirectsToTheExperimentsPage() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location")).hasValue("/ui/experiments");
  }

  @Test
  void experimentsPageListsAndFiltersByName() throws Exception {
    String all = get("/ui/experiments").body();
    assertThat(all).contains(">vision</a>", ">speech</a>");
    // vision's newest run started today; speech has none, so its last-run cell is empty
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    String visionRow = all.substring(all.indexOf(">vision</a>"), all.indexOf("</tr>", all.indexOf(">vision</a>")));
    String speechRow = all.substring(all.indexOf(">speech</a>"), all.indexOf("</tr>", all.indexOf(">speech</a>")));
    assertThat(visionRow.split("<td>")[2]).startsWith(today); // cells: name, id, last run, updated, created
    assertThat(speechRow.split("<td>")[2]).isEqualTo("</td>");
    String filtered = get("/ui/experiments?q=VIS").body();
    assertThat(filtered).contains(">vision</a>").doesNotContain(">speech</a>");
    assertThat(get("/ui/experiments?q=" + enc("it's")).body()).contains("No experiments match");
  }

  @Test
  void runsPageRendersRowsInHtmlWithAnOrFilterAndChosenColumns() throws Exception {
    String filter = "metrics.acc > 0.9 OR (params.opt = 'sgd' AND tags.team = 'c')";
    HttpResponse<String> r = get("/ui/runs?experiment_id=" + fx.experimentId + "&filter=" + enc(filter)
        + "&columns_set=1&col=params.opt&sort=metrics.acc&desc=0");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
    String html = r.body();
    assertThat(html).contains("data-run-id=\"" + fx.alpha + "\"", "data-run-id=\"" + fx.gamma + "\"")
        .doesNotContain("data-run-id=\"" + fx.beta + "\"");
    assertThat(html.indexOf(fx.gamma)).isLessThan(html.indexOf(fx.alpha)); // ascending acc
    assertThat(html).contains(">params.opt</a>", ">metrics.acc ▲</a>").doesNotContain(">params.lr</a>");
  }

  @Test
  void aFilterErrorIsShownWithItsPosition() throws Exception {
    String html = get("/ui/runs?experiment_id=" + fx.experimentId + "&filter=" + enc("params.lr = '0.1' AND")).body();
    assertThat(html).contains("id=\"filter-error\"").containsPattern("data-position=\"\\d+\"")
        .contains("at position").contains("<mark>");
  }

  @Test
  void aBadPageTokenIsShownWithoutMarkingTheFilter() throws Exception {
    String html = get("/ui/runs?experiment_id=" + fx.experimentId + "&filter=" + enc("params.lr = '0.1'")
        + "&page_token=not-a-token").body();
    assertThat(html).contains("id=\"filter-error\" data-position=\"-1\"").doesNotContain("<mark>");
  }

  @Test
  void userContentIsEscaped() throws Exception {
    String runs = get("/ui/runs?experiment_id=" + fx.experimentId).body();
    assertThat(runs).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain(UiFixture.XSS_NAME);
    String run = get("/ui/run?run_id=" + fx.xss).body();
    assertThat(run).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain(UiFixture.XSS_NAME);
  }

  @Test
  void runPageShowsSourceParamsMetricsAndChartSlots() throws Exception {
    String html = get("/ui/run?run_id=" + fx.alpha).body();
    assertThat(html).contains("Git commit", "0123abcd", "Uncommitted changes", "JDK", "17.0.12")
        .contains("data-key=\"loss\"", "data-key=\"acc\"").contains("<td>lr</td><td>0.1</td>")
        .contains("<td>churn-train</td><td><code>sha256:ab12</code></td><td>datasets/churn@3</td>",
            "mlflow.data.context=training");
  }

  @Test
  void runPageListsArtifactsWithDownloadLinksAndBrowsesFolders() throws Exception {
    String html = get("/ui/run?run_id=" + fx.alpha).body();
    java.util.regex.Matcher file = java.util.regex.Pattern.compile("href=\"([^\"]+)\">notes &amp; more.txt</a>")
        .matcher(html);
    assertThat(file.find()).as(html).isTrue();
    HttpResponse<String> download = get(file.group(1).replace("&amp;", "&"));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo("hello");
    assertThat(html).contains(">model/</a>");
    String folder = get("/ui/run?run_id=" + fx.alpha + "&path=model").body();
    assertThat(folder).contains(">weights.bin</a> <small>3 bytes</small>", ">..</a>");
    assertThat(get("/ui/run?run_id=" + fx.alpha + "&path=" + enc("../..")).statusCode()).isEqualTo(400);
  }

  @Test
  void compareMarksTheDifferingParam() throws Exception {
    String html = get("/ui/compare?run_ids=" + fx.alpha + "&run_ids=" + fx.beta).body();
    assertThat(html).contains("class=\"differs\" data-key=\"lr\"", "class=\"same\" data-key=\"opt\"");
    HttpResponse<String> one = get("/ui/compare?run_ids=" + fx.alpha);
    assertThat(one.statusCode()).isEqualTo(400);
    assertThat(one.body()).contains("id=\"page-error\"", "compare 2 to 20");
  }

  @Test
  void aMissingRunAnswersAnHtmlPageWith404() throws Exception {
    HttpResponse<String> r = get("/ui/run?run_id=" + enc("<b>nope</b>"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).contains("id=\"page-error\"", "&lt;b&gt;nope&lt;/b&gt;").doesNotContain("<b>nope</b>");
  }

  @Test
  void staticFilesAreServedFromTheJarWithLongCaching() throws Exception {
    for (String name : new String[] {"htmx.min.js", "uPlot.iife.min.js", "cairn.css", "cairn-charts.js"}) {
      HttpResponse<String> r = get(Assets.url(name));
      assertThat(r.statusCode()).as(name).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
      assertThat(r.body()).isNotEmpty();
    }
    assertThat(get("/static/..%2Fcairn-server.properties").statusCode()).isEqualTo(404);
  }
}
