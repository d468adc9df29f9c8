package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.mlflow.ArtifactLocations;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact preview page over HTTP: text escaped and JSON pretty-printed, CSV as a table, images via the proxy. */
class ArtifactPreviewTest {
  @TempDir static Path dir;
  static UiFixture fx;
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    fx = new UiFixture(dir);
    String base = ArtifactLocations.storePath(fx.server.metadataStore().getRun(fx.alpha).info().artifactUri(),
        fx.server.artifactStore().rootUri());
    put(base + "/metrics.json", "{\"acc\":0.9,\"layers\":[1,2]}".getBytes(StandardCharsets.UTF_8));
    StringBuilder csv = new StringBuilder("a,b,c\n");
    for (int i = 0; i < 150; i++) {
      csv.append(i).append(",\"x, ").append(i).append("\",<b>\n");
    }
    put(base + "/data/table.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
    put(base + "/small.csv", "h1,h2\n1,2\n".getBytes(StandardCharsets.UTF_8));
    put(base + "/evil.txt", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
    put(base + "/plot.png", PNG);
    put(base + "/logo.svg", "<svg><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8));
    put(base + "/rows.tsv", "a\tb\n\"x\ty\"\t2\n".getBytes(StandardCharsets.UTF_8));
    put(base + "/big.log", "x".repeat(ArtifactPreview.MAX_BYTES + 1000).getBytes(StandardCharsets.UTF_8));
  }

  static void put(String path, byte[] bytes) {
    fx.server.artifactStore().put(path, new ByteArrayInputStream(bytes));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  HttpResponse<String> preview(String path) throws Exception {
    return get("/ui/artifact?run_id=" + fx.alpha + "&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(fx.url(path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jsonIsPrettyPrinted() throws Exception {
    HttpResponse<String> r = preview("metrics.json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("<pre id=\"preview\">{\n  \"acc\" : 0.9,\n  \"layers\" : [ 1, 2 ]\n}</pre>")
        .doesNotContain("id=\"truncated\"");
  }

  @Test
  void csvIsATableOfTheFirstRows() throws Exception {
    String small = preview("small.csv").body();
    String table = small.substring(small.indexOf("<table class=\"grid\" id=\"preview\">"));
    table = table.substring(0, table.indexOf("</table>"));
    assertThat(table.split("<td>", -1)).hasSize(4 + 1); // 2 rows of 2 cells
    assertThat(small).doesNotContain("id=\"truncated\"");
    String big = preview("data/table.csv").body();
    table = big.substring(big.indexOf("id=\"preview\""), big.indexOf("</table>"));
    assertThat(table.split("<tr>", -1)).hasSize(ArtifactPreview.MAX_ROWS + 1);
    assertThat(table.split("<td>", -1)).hasSize(3 * ArtifactPreview.MAX_ROWS + 1);
    assertThat(table).contains("<td>x, 0</td>", "<td>&lt;b&gt;</td>").doesNotContain("<b>");
    assertThat(big).contains("id=\"truncated\">Truncated: only the first 100 rows");
  }

  @Test
  void scriptContentIsEscaped() throws Exception {
    String html = preview("evil.txt").body();
    assertThat(html).contains("<pre id=\"preview\">&lt;script&gt;alert(1)&lt;/script&gt;</pre>")
        .doesNotContain("<script>alert");
  }

  @Test
  void anImageIsShownFromTheProxyUrl() throws Exception {
    HttpResponse<String> r = preview("plot.png");
    Matcher img = Pattern.compile("<img id=\"preview\" src=\"([^\"]+)\"").matcher(r.body());
    assertThat(img.find()).as(r.body()).isTrue();
    assertThat(img.group(1)).startsWith("/api/2.0/mlflow-artifacts/artifacts/").endsWith("/plot.png");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("img-src 'self'");
    HttpResponse<byte[]> bytes = http.send(HttpRequest.newBuilder(URI.create(fx.url(img.group(1)))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(bytes.statusCode()).isEqualTo(200);
    assertThat(bytes.body()).isEqualTo(PNG);
  }

  @Test
  void anSvgIsADownloadOnlyAndATsvATable() throws Exception {
    String svg = preview("logo.svg").body();
    assertThat(svg).contains("id=\"download\"", "No preview").doesNotContain("<img id=\"preview\"", "alert(1)");
    assertThat(preview("rows.tsv").body()).contains("<tr><td>a</td><td>b</td></tr>",
        "<tr><td>x\ty</td><td>2</td></tr>");
  }

  @Test
  void dotDotIsRefusedAndAMissingFileIsNotFound() throws Exception {
    assertThat(preview("../x.txt").statusCode()).isEqualTo(400);
    assertThat(preview("model/../../x.txt").statusCode()).isEqualTo(400);
    assertThat(preview("nope.txt").statusCode()).isEqualTo(404);
  }

  @Test
  void aBigTextFileIsTruncatedWithANote() throws Exception {
    String html = preview("big.log").body();
    assertThat(html).contains("id=\"truncated\">Truncated: only the first 256 KiB");
    String pre = html.substring(html.indexOf("<pre id=\"preview\">") + 18, html.indexOf("</pre>"));
    assertThat(pre).hasSize(ArtifactPreview.MAX_BYTES);
  }

  @Test
  void theRunPageLinksEachFileToItsPreview() throws Exception {
    String html = get("/ui/run?run_id=" + fx.alpha).body();
    assertThat(html).contains("href=\"/ui/artifact?run_id=" + fx.alpha + "&amp;path=evil.txt\">preview</a>");
    assertThat(preview("model/weights.bin").body()).contains("3 bytes", "id=\"download\"", "No preview");
  }
}
