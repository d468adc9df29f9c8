package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compare page's server-drawn charts and the chart controls' URL state, as plain HTTP: the SVG is in the HTML
 * (no script), its points follow the values, and user content in it is escaped.
 */
class CompareChartsTest {
  private static final Pattern POINT =
      Pattern.compile("<g class=\"point\" data-run-id=\"([^\"]+)\"><circle cx=\"([-0-9.]+)\" cy=\"([-0-9.]+)\"");
  private static final Pattern PATH =
      Pattern.compile("<path class=\"run\" data-run-id=\"([^\"]+)\" d=\"([^\"]+)\" stroke=\"(#[0-9a-f]{6})\"");
  @TempDir static Path dir;
  static ChartsFixture fx;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    fx = new ChartsFixture(dir);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fx.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String page(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  /** Each plotted run's point, {cx, cy}, by run id. */
  static Map<String, double[]> points(String html) {
    Map<String, double[]> out = new LinkedHashMap<>();
    Matcher m = POINT.matcher(html);
    while (m.find()) {
      out.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
    }
    return out;
  }

  static String svg(String html, String id) {
    int start = html.indexOf("<svg id=\"" + id + "\"");
    assertThat(start).as("svg #" + id).isNotNegative();
    return html.substring(start, html.indexOf("</svg>", start));
  }

  static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  @Test
  void scatterPlacesOnePointPerRunByTheMetricAndANumericParam() throws Exception {
    String html = page(fx.compareUrl() + "&scatter_metric=acc&scatter_param=lr");
    String scatter = svg(html, "scatter");
    assertThat(scatter).contains("data-points=\"3\"", "data-categorical=\"false\"");
    Map<String, double[]> p = points(scatter);
    assertThat(p).containsOnlyKeys(fx.small, fx.mid, fx.large);
    // larger lr further right; larger acc higher (SVG y grows downwards)
    assertThat(p.get(fx.small)[0]).isLessThan(p.get(fx.mid)[0]);
    assertThat(p.get(fx.mid)[0]).isLessThan(p.get(fx.large)[0]);
    assertThat(p.get(fx.large)[1]).isLessThan(p.get(fx.mid)[1]);
    assertThat(p.get(fx.mid)[1]).isLessThan(p.get(fx.small)[1]);
    // linear: lr 0.01 sits 9/99 of the way from 0.001 to 0.1, acc 0.7 half way
    double span = p.get(fx.large)[0] - p.get(fx.small)[0];
    assertThat((p.get(fx.mid)[0] - p.get(fx.small)[0]) / span).isCloseTo(9.0 / 99, org.assertj.core.data.Offset.offset(0.01));
    assertThat(p.get(fx.mid)[1]).isCloseTo((p.get(fx.small)[1] + p.get(fx.large)[1]) / 2, org.assertj.core.data.Offset.offset(0.2));
    // each point links to its run and is labelled with its name
    assertThat(scatter).contains("<a href=\"/ui/run?run_id=" + fx.large + "\">", ">large</text>");
    // the selects keep the choice, inside the page's GET form
    assertThat(html).contains("<option value=\"lr\" selected>lr</option>", "name=\"scatter_param\" form=\"view\"");
  }

  @Test
  void aCategoricalParamIsDrawnAsEvenlySpacedCategories() throws Exception {
    String scatter = svg(page(fx.compareUrl() + "&scatter_metric=acc&scatter_param=opt"), "scatter");
    assertThat(scatter).contains("data-categorical=\"true\"", ">adam<title>adam</title></text>", ">sgd<title>sgd</title></text>");
    Map<String, double[]> p = points(scatter);
    assertThat(p).hasSize(3);
    assertThat(p.get(fx.small)[0]).isEqualTo(p.get(fx.mid)[0]); // both adam
    assertThat(p.get(fx.large)[0]).isGreaterThan(p.get(fx.small)[0]); // sgd after adam
  }

  @Test
  void paramValuesAreEscapedAndRunsWithoutAValueAreListed() throws Exception {
    String html = page(fx.compareUrl() + "&scatter_metric=acc&scatter_param=note");
    assertThat(html).doesNotContain(ChartsFixture.SCRIPT).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    String scatter = svg(html, "scatter");
    assertThat(points(scatter)).containsOnlyKeys(fx.small, fx.large); // mid has no note
    assertThat(scatter).contains("data-categorical=\"true\"");
    assertThat(html).contains("Not plotted (no value for the metric or the param): <span class=\"tag\">mid</span>");
  }

  @Test
  void parallelCoordinatesHaveOneAxisPerParamPlusTheMetricAndOnePathPerRun() throws Exception {
    String html = page(fx.compareUrl() + "&pc_metric=acc");
    String parallel = svg(html, "parallel");
    assertThat(parallel).contains("data-axes=\"4\"", "data-lines=\"3\"");
    assertThat(count(parallel, "<g class=\"axis")).isEqualTo(4);
    assertThat(count(parallel, "<g class=\"axis metric\" data-key=\"acc\"")).isEqualTo(1);
    assertThat(parallel).contains("data-key=\"opt\" data-categorical=\"true\"", "data-key=\"lr\" data-categorical=\"false\"");
    Map<String, String[]> lines = new LinkedHashMap<>();
    Matcher m = PATH.matcher(parallel);
    while (m.find()) {
      lines.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    assertThat(lines).containsOnlyKeys(fx.small, fx.mid, fx.large);
    List<double[]> small = vertices(lines.get(fx.small)[0]);
    List<double[]> large = vertices(lines.get(fx.large)[0]);
    assertThat(small).hasSize(4);
    // the metric axis is last: the larger acc ends higher; axes sorted by key: lr, note, opt
    assertThat(large.get(3)[1]).isLessThan(small.get(3)[1]);
    assertThat(large.get(0)[1]).isLessThan(small.get(0)[1]); // lr 0.1 above 0.001
    assertThat(vertices(lines.get(fx.mid)[0]).get(1)[1]).isGreaterThan(small.get(1)[1]); // mid has no note: below
    assertThat(lines.get(fx.small)[1]).isNotEqualTo(lines.get(fx.large)[1]); // coloured by acc
    assertThat(parallel).doesNotContain(ChartsFixture.SCRIPT).contains("&lt;script&gt;");
  }

  static List<double[]> vertices(String d) {
    List<double[]> out = new ArrayList<>();
    for (String part : d.split(" ")) {
      String[] xy = part.substring(1).split(",");
      out.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
    }
    return out;
  }

  @Test
  void unknownKeysAndBadControlsAreRefusedWithTheirName() throws Exception {
    HttpResponse<String> r = get(fx.compareUrl() + "&scatter_metric=nope");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("scatter_metric 'nope' is not a key of the compared runs");
    assertThat(get("/ui/run?run_id=" + fx.small + "&smooth=2").statusCode()).isEqualTo(400);
    assertThat(get("/ui/run?run_id=" + fx.small + "&x=" + URLEncoder.encode("<b>", StandardCharsets.UTF_8))
        .body()).contains("x '&lt;b&gt;' is not a chart axis");
  }

  @Test
  void runPageKeepsTheChartControlsOfItsUrlAndShowsSystemMetricsApart() throws Exception {
    String html = page("/ui/run?run_id=" + fx.small + "&x=wall&log=1&smooth=0.6");
    assertThat(html).contains("<option value=\"wall\" selected>", "name=\"log\" value=\"1\" form=\"view\" checked",
        "value=\"0.60\"", "<input type=\"hidden\" name=\"run_id\" value=\"" + fx.small + "\">");
    String model = html.substring(html.indexOf("id=\"metric-charts\""), html.indexOf("<h2>System metrics</h2>"));
    String system = html.substring(html.indexOf("<h2>System metrics</h2>"), html.indexOf("<h2>Parameters</h2>"));
    assertThat(model).contains("data-key=\"loss\"").doesNotContain(ChartsFixture.CPU);
    assertThat(system).contains("id=\"system-charts\" data-x=\"wall\"", "data-key=\"" + ChartsFixture.CPU + "\"",
        "<td class=\"num\">49</td>"); // the latest sample
    String plain = page("/ui/run?run_id=" + fx.mid);
    assertThat(plain).contains("<option value=\"step\" selected>", "No system metrics").doesNotContain("checked");
  }
}
