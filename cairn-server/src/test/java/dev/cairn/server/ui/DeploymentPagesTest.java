package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.ui.DeploymentFixture.Answer;
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

/**
 * The deployment pages as plain HTTP with authentication on, over a deployment that served real predictions through
 * the inference routes and got feedback: the list with routes resolved now, the deployment's routing, history and
 * monitor figures per model version, the model version's link to its deployments, escaping, and refusals.
 */
class DeploymentPagesTest {
  @TempDir static Path dir;
  static DeploymentFixture fx;
  static final String MODEL_ESCAPED = "churn &lt;i&gt;&amp;";
  /** In an attribute JTE leaves '>' as it is (only text needs it escaped). */
  static final String MODEL_ATTRIBUTE = "churn &lt;i>&amp;";

  @BeforeAll
  static void start() {
    fx = new DeploymentFixture(dir, true);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static String page(String path) {
    Answer a = fx.page(path, "vic");
    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
    return a.body();
  }

  static String between(String html, String from, String to) {
    int start = html.indexOf(from);
    assertThat(start).as(from).isNotNegative();
    int end = html.indexOf(to, start);
    return html.substring(start, end < 0 ? html.length() : end);
  }

  @Test
  void theListShowsEachDeploymentsRoutesResolvedNowShadowsAndCanary() {
    String html = page("/ui/deployments");
    assertThat(html).contains("<a href=\"/ui/deployments\">Deployments</a>"); // the nav entry
    String ab = between(html, "<tr data-name=\"" + DeploymentFixture.AB + "\">", "</tr>");
    String modelUrl = "/ui/model/version?name=churn+%3Ci%3E%26";
    assertThat(ab).contains("<a href=\"/ui/deployment?name=churn-ab\">churn-ab</a>",
        "<code>" + MODEL_ESCAPED + "@champion</code> <span class=\"weight\">70%</span> → <a href=\"" + modelUrl
            + "&amp;version=1\">" + MODEL_ESCAPED + "/1</a>",
        "<code>" + MODEL_ESCAPED + "/2</code> <span class=\"weight\">30%</span> → <a href=\"" + modelUrl
            + "&amp;version=2\">" + MODEL_ESCAPED + "/2</a>",
        "data-state=\"ramping\"", "10%: ramping", "<td class=\"num\">1</td>", "<small>by admin</small>")
        .doesNotContain("<i>&");
    String quiet = between(html, "<tr data-name=\"" + DeploymentFixture.QUIET + "\">", "</tr>");
    assertThat(quiet).contains("<li data-shadow=\"" + MODEL_ATTRIBUTE + "/1\"><code>" + MODEL_ESCAPED + "/1</code> → ");
    assertThat(html.indexOf("data-name=\"churn-ab\"")).as("by name").isLessThan(html.indexOf("data-name=\"churn-quiet\""));

    // moving the alias changes what the route resolves to, at once
    fx.api("POST", "/api/2.0/mlflow/registered-models/alias", java.util.Map.of("name", DeploymentFixture.MODEL,
        "alias", "champion", "version", "2"));
    try {
      assertThat(between(page("/ui/deployments"), "<tr data-name=\"churn-ab\">", "</tr>"))
          .contains("70%</span> → <a href=\"" + modelUrl + "&amp;version=2\">");
    } finally {
      fx.api("POST", "/api/2.0/mlflow/registered-models/alias", java.util.Map.of("name", DeploymentFixture.MODEL,
          "alias", "champion", "version", "1"));
    }
  }

  @Test
  void aModelVersionLinksToTheDeploymentsServingIt() {
    String version = page(EvaluationPage.url(DeploymentFixture.MODEL, 1));
    String link = DeploymentViews.servingUrl(DeploymentFixture.MODEL, 1);
    assertThat(version).contains("<a id=\"deployments-link\" href=\"" + link.replace("&", "&amp;") + "\">");
    String serving1 = page(link);
    // version 1 is churn-ab's champion route and churn-quiet's shadow
    assertThat(serving1).contains("id=\"serving-filter\"", "data-name=\"churn-ab\"", "data-name=\"churn-quiet\"");
    assertThat(serving1).contains(MODEL_ESCAPED + " version 1").doesNotContain("<i>&");
    // no deployment names version 3 (there is none); the filter says so
    String none = page(DeploymentViews.servingUrl(DeploymentFixture.MODEL, 3));
    assertThat(none).contains("No deployment serves this version now.").doesNotContain("data-name=\"churn-ab\"");
    assertThat(fx.page("/ui/deployments?model=x", "vic").status()).isEqualTo(400);
    assertThat(fx.page("/ui/deployments?model=x&version=two", "vic").status()).isEqualTo(400);
  }

  @Test
  void theDeploymentPageShowsRoutingStickyCanaryAndHistoryEscaped() {
    String html = page(DeploymentViews.deploymentUrl(DeploymentFixture.AB));
    assertThat(html).contains("<h1>churn-ab</h1>",
        "<p class=\"description\" id=\"description\">A/B test &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<dd id=\"sticky\"><code>header:X-User</code></dd>",
        "<code>p99_ms &lt; 50 and accuracy &gt;= baseline - 0.01 &lt;b&gt;</code> for 30m",
        "<dd class=\"canary-state\">ramping</dd>", "<code>POST /v2/models/churn-ab/infer</code>",
        "<a id=\"alerts-link\" href=\"/ui/alerts?deployment=churn-ab\">")
        .doesNotContain("<script>alert", "<b>", "<i>&");
    assertThat(between(html, "<table class=\"grid\" id=\"routes\">", "</table>")).contains(
        "<tr data-target=\"" + MODEL_ATTRIBUTE + "@champion\"><td><code>" + MODEL_ESCAPED
            + "@champion</code></td><td class=\"num\">70%</td>");
    // the history: the create, then an update made here, newest first, with the routing each left
    fx.api("POST", "/api/cairn/v1/deployments", java.util.Map.of("name", "churn-history", "routes",
        List.of(java.util.Map.of("target", DeploymentFixture.MODEL + "/2", "weight", 100)), "shadows",
        List.of(DeploymentFixture.MODEL + "/1")));
    fx.api("PATCH", "/api/cairn/v1/deployments/churn-history", java.util.Map.of("expected_version", 1,
        "routes", List.of(java.util.Map.of("target", DeploymentFixture.MODEL + "/1", "weight", 100)),
        "shadows", List.of()));
    String quiet = page(DeploymentViews.deploymentUrl("churn-history"));
    String changes = between(quiet, "id=\"changes\"", "</table>");
    assertThat(changes).containsPattern("<tr data-seq=\"\\d+\"><td class=\"num\">\\d+</td><td>update</td><td>admin</td>")
        .contains("<code>" + MODEL_ESCAPED + "/1=100</code>",
            "<code>" + MODEL_ESCAPED + "/2=100; shadows " + MODEL_ESCAPED + "/1</code>");
    assertThat(changes.indexOf("<td>update</td>")).isLessThan(changes.indexOf("<td>create</td>"));
    assertThat(quiet).contains("id=\"no-windows\"").doesNotContain("figure class=\"monitor-chart\"");
  }

  /** The figures per model version, summed over the windows the range cut them into (an hour may turn meanwhile). */
  @Test
  void theMonitorShowsEachVersionsTrafficLatencyDriftQualityAndAccuracy() {
    String html = page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&range=24h");
    String v1 = MODEL_ATTRIBUTE + "/1";
    String v2 = MODEL_ATTRIBUTE + "/2";
    // version 1 scored its rows in one call, version 2 in two
    assertThat(sum(html, v1, "requests")).isEqualTo(1);
    assertThat(sum(html, v1, "predictions")).isEqualTo(DeploymentFixture.V1_ROWS);
    assertThat(sum(html, v2, "requests")).isEqualTo(2);
    assertThat(sum(html, v2, "predictions")).isEqualTo(DeploymentFixture.V2_ROWS);
    assertThat(cells(html, v1, "p99")).allMatch(s -> Double.parseDouble(s) > 0);
    // feedback on 10 of version 1's predictions, 7 agreeing: 0.7 in the window of its one request
    assertThat(cells(html, v1, "accuracy")).containsExactly("0.7");
    assertThat(cells(html, v1, "feedback")).containsExactly("10");
    assertThat(cells(html, v2, "accuracy")).allMatch(String::isEmpty);
    // this model is a classifier: no RMSE, said once, not drawn; errors likewise while the log records none
    boolean errors = cells(html, v1, "errors").stream().anyMatch(c -> !c.isEmpty());
    assertThat(html).contains("<p class=\"empty\" id=\"not-recorded\">Not recorded in this range: "
        + (errors ? "" : "errors, ") + "rmse from feedback.</p>");
    assertThat(html.contains("id=\"chart-errors\"")).isEqualTo(errors);

    // charts: one series per figure and version, labelled with the version when there are several
    assertThat(seriesLabels(html, "traffic")).containsExactly("requests · " + v1, "predictions · " + v1,
        "requests · " + v2, "predictions · " + v2);
    assertThat(seriesLabels(html, "latency")).hasSize(6).contains("p99 · " + v2);
    assertThat(seriesLabels(html, "drift")).containsExactly("drift share · " + v1, "drift share · " + v2);
    assertThat(seriesLabels(html, "quality")).hasSize(6);
    assertThat(seriesLabels(html, "accuracy")).containsExactly("accuracy · " + v1, "accuracy · " + v2);
    assertThat(html).doesNotContain("id=\"chart-rmse\"");

    // drift per feature: version 2's traffic stays 30 months longer, so its tenure drifted; version 1's did not
    String drift1 = between(html, "<section class=\"feature-drift\" data-version=\"" + v1 + "\">", "</section>");
    String drift2 = between(html, "<section class=\"feature-drift\" data-version=\"" + v2 + "\">", "</section>");
    for (String f : List.of("tenure", "monthly", "plan", "age")) {
      assertThat(drift1).contains("<tr data-feature=\"" + f + "\">");
    }
    assertThat(between(drift2, "<tr data-feature=\"tenure\">", "</tr>")).contains("<small class=\"drifted\">drifted</small>");
    assertThat(between(drift1, "<tr data-feature=\"tenure\">", "</tr>")).contains("<small class=\"stable\">stable</small>")
        .doesNotContain("drifted");
    assertThat(seriesLabels(drift2, "feature-drift-1")).containsExactly("age", "monthly", "plan", "tenure");

    // data quality of version 1's window: the rows left one tenure in ten out
    String quality = between(html, "<section class=\"quality\" data-version=\"" + v1 + "\">", "</section>");
    assertThat(between(quality, "<tr data-feature=\"tenure\">", "</tr>")).contains("<td class=\"num\">"
        + DeploymentFixture.V1_ROWS + "</td><td class=\"num\" data-figure=\"missing\">" + fx.missingInV1("tenure")
        + "</td>");
    assertThat(fx.missingInV1("tenure")).isPositive();
    String quality2 = between(html, "<section class=\"quality\" data-version=\"" + v2 + "\">", "</section>");
    assertThat(Integer.parseInt(between(quality2, "<tr data-feature=\"tenure\">", "</tr>")
        .replaceAll("(?s).*data-figure=\"out_of_range\">(\\d+)<.*", "$1"))).isPositive();
  }

  @Test
  void theRangeAndWindowAreChosenInTheAddress() {
    String hour = page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&range=1h&window_minutes=10");
    assertThat(hour).contains("<option value=\"1h\" selected>last 1h</option>", "name=\"window_minutes\" min=\"1\" value=\"10\"",
        "windows of 10 minutes");
    assertThat(sum(hour, MODEL_ATTRIBUTE + "/1", "predictions")).isEqualTo(DeploymentFixture.V1_ROWS);
    assertThat(hour).doesNotContain("http-equiv=\"refresh\"");
    String live = page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&range=6h&refresh=60");
    assertThat(live).contains("<meta http-equiv=\"refresh\" content=\"60\">",
        "<input type=\"checkbox\" name=\"refresh\" value=\"60\" checked>", "windows of 15 minutes");
    assertThat(fx.page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&refresh=5", "vic").body())
        .contains("refresh '5' must be a whole number of seconds from 10 to 3600");
    Answer badRange = fx.page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&range=2y", "vic");
    assertThat(badRange.status()).isEqualTo(400);
    assertThat(badRange.body()).contains("range '2y' must be one of 1h, 6h, 24h, 7d, 30d");
    Answer tooMany = fx.page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&range=30d&window_minutes=1",
        "vic");
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.body()).contains("window_minutes '1' must be a whole number of minutes from 44 to 43200");
    assertThat(fx.page(DeploymentViews.deploymentUrl(DeploymentFixture.AB) + "&window_minutes=x", "vic").status())
        .isEqualTo(400);
    Answer missing = fx.page(DeploymentViews.deploymentUrl("no-such-deployment"), "vic");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("no-such-deployment");
  }

  @Test
  void aVersionWhoseBundleIsGoneLeavesRoutingAndHistoryReadable() {
    int version = fx.register();
    fx.api("POST", "/api/cairn/v1/deployments", java.util.Map.of("name", "churn-gone", "routes",
        List.of(java.util.Map.of("target", DeploymentFixture.MODEL + "/" + version, "weight", 100))));
    fx.infer("/v2/models/churn-gone/infer", fx.v1Rows.subList(0, 5));
    fx.waitForLoggedPredictions("churn-gone", 5);
    fx.api("DELETE", "/api/2.0/mlflow/model-versions/delete", java.util.Map.of("name", DeploymentFixture.MODEL,
        "version", String.valueOf(version)));
    String html = page(DeploymentViews.deploymentUrl("churn-gone"));
    assertThat(between(html, "id=\"routes\"", "</table>")).contains("<span class=\"problem\">");
    assertThat(html).contains("id=\"monitor-error\"", "The monitor windows could not be computed: ")
        .contains("<td>create</td>");
    assertThat(between(page("/ui/deployments"), "<tr data-name=\"churn-gone\">", "</tr>")).contains("unresolved");
  }

  @Test
  void thePagesNeedAGlobalViewerGrantLikeTheDeploymentsApi() {
    assertThat(fx.page("/ui/deployments", "ann").status()).isEqualTo(403);
    assertThat(fx.page(DeploymentViews.deploymentUrl(DeploymentFixture.AB), "ann").status()).isEqualTo(403);
    assertThat(fx.page("/ui/deployments", null).status()).isIn(401, 303);
  }

  @Test
  void everyDeploymentUrlOfTheDocsAnswersAPage() throws Exception {
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(UiDocsTest.DOC)) {
      if (line.matches(Pattern.quote(UiDocsTest.HOST) + "/ui/deployments?\\b.*")) {
        urls.add(line.strip().substring(UiDocsTest.HOST.length()));
      }
    }
    assertThat(urls).hasSizeGreaterThanOrEqualTo(4);
    for (String url : urls) {
      String concrete = url.replace("DEPLOYMENT", DeploymentFixture.AB).replace("NAME",
          UiViews.encode(DeploymentFixture.MODEL));
      assertThat(page(concrete)).as(url).contains("<main>", "churn-ab");
    }
  }

  /** The cells of one figure in the windows table, for one model version's rows. */
  static List<String> cells(String html, String version, String figure) {
    String table = between(html, "<table class=\"grid\" id=\"windows\">", "</table>");
    List<String> out = new ArrayList<>();
    for (String row : table.split("<tr data-window=")) {
      if (row.contains("data-version=\"" + version + "\"")) {
        Matcher m = Pattern.compile("data-figure=\"" + figure + "\">([^<]*)<").matcher(row);
        out.add(m.find() ? m.group(1) : null);
      }
    }
    return out;
  }

  static long sum(String html, String version, String figure) {
    return cells(html, version, figure).stream().mapToLong(Long::parseLong).sum();
  }

  static List<String> seriesLabels(String html, String chart) {
    String fig = between(html, "<figure class=\"monitor-chart\" id=\"chart-" + chart + "\"", "</figure>");
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("data-label=\"([^\"]*)\"").matcher(fig);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
