package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.ml.eval.FeatureImportance;
import dev.cairn.ml.eval.SliceGap;
import dev.cairn.ml.eval.SliceMetrics;
import dev.cairn.pipeline.StepArtifact;
import dev.cairn.pipeline.StepRun;
import dev.cairn.server.ui.ModelFixture.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline pages and the model version's evaluation as plain HTTP, with authentication on, over pipeline runs
 * that {@link PipelineFixture} recorded with the real executor and built-in steps on the server's database.
 */
class PipelinePagesTest {
  @TempDir static Path dir;
  static PipelineFixture fx;
  static final String ESCAPED_MARKUP = "&lt;img src=x onerror=alert(1)&gt;";
  static final String ESCAPED_MODEL = "churn &lt;b&gt;&amp;";

  @BeforeAll
  static void start() throws Exception {
    fx = new PipelineFixture(dir, true);
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  static String page(String path) {
    Answer a = fx.page(path);
    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
    assertThat(a.header("Content-Security-Policy")).contains("script-src 'self'");
    return a.body();
  }

  /** Every match of group 1 of {@code regex} in {@code html}, in order. */
  static List<String> all(String regex, String html) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(html);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** The DAG's step boxes as "name:status-class". */
  static List<String> boxes(String html) {
    return Pattern.compile("<g class=\"step ([a-z]+)\" data-step=\"([^\"]+)\"").matcher(html).results()
        .map(r -> r.group(2) + ":" + r.group(1)).toList();
  }

  static List<String> wires(String html) {
    return Pattern.compile("<g class=\"wire\" data-from=\"([^\"]+)\" data-to=\"([^\"]+)\"").matcher(html).results()
        .map(r -> r.group(1) + "→" + r.group(2)).toList();
  }

  @Test
  void theListShowsRunsNewestFirstWithTheirStepCounts() {
    String html = page("/ui/pipelines");
    assertThat(all("<tr data-run-id=\"([^\"]+)\"", html))
        .containsExactly(fx.running, fx.failed.runId(), fx.second.runId(), fx.first.runId());
    assertThat(row(html, fx.first.runId())).contains("SUCCEEDED", "data-count=\"ran\">7<", "data-count=\"cached\">0<");
    assertThat(row(html, fx.second.runId())).contains("data-count=\"ran\">0<", "data-count=\"cached\">7<");
    assertThat(row(html, fx.failed.runId())).contains("FAILED", "data-count=\"ran\">1<", "data-count=\"failed\">1<",
        "data-count=\"skipped\">1<");
    assertThat(row(html, fx.running)).contains("RUNNING", "data-count=\"ran\">0<");
    assertThat(html).contains("href=\"/ui/pipeline?run_id=" + fx.first.runId() + "\"")
        .contains("<a href=\"/ui/pipelines\">Pipelines</a>"); // the top navigation

    assertThat(all("<tr data-run-id=\"([^\"]+)\"", page("/ui/pipelines?name=churn")))
        .containsExactly(fx.second.runId(), fx.first.runId());
    assertThat(page("/ui/pipelines?name=nothing")).contains("No pipeline runs of nothing");
    assertThat(all("<tr data-run-id=\"([^\"]+)\"", page("/ui/pipelines?experiment_id=" + fx.otherExperiment)))
        .containsExactly(fx.failed.runId());
  }

  @Test
  void theListPagesForwardAndBack() {
    String firstPage = page("/ui/pipelines?page_size=3");
    assertThat(all("<tr data-run-id=\"([^\"]+)\"", firstPage)).hasSize(3).doesNotContain(fx.first.runId());
    String next = all("href=\"([^\"]+)\" id=\"next-page\"", firstPage).get(0).replace("&amp;", "&");
    String secondPage = page(next);
    assertThat(all("<tr data-run-id=\"([^\"]+)\"", secondPage)).containsExactly(fx.first.runId());
    assertThat(secondPage).doesNotContain("id=\"next-page\"");
    String previous = all("href=\"([^\"]+)\" id=\"previous-page\"", secondPage).get(0).replace("&amp;", "&");
    assertThat(previous).isEqualTo("/ui/pipelines?page_size=3");
    assertThat(fx.page("/ui/pipelines?page_size=0").status()).isEqualTo(400);
  }

  @Test
  void aRunIsDrawnAsItsDagWithOneBoxPerStepAndOneEdgePerWiring() {
    String html = page(PipelineViews.pipelineUrl(fx.first.runId()));
    assertThat(boxes(html)).containsExactlyInAnyOrderElementsOf(
        PipelineFixture.MAIN_STEPS.stream().map(s -> s + ":succeeded").toList());
    assertThat(wires(html)).containsExactlyInAnyOrderElementsOf(PipelineFixture.MAIN_WIRES);
    // a wire is labelled with the output it carries; the boxes name the step's class
    assertThat(wire(html, "gate", "register")).contains(">decision</text>");
    assertThat(wire(html, "split", "evaluate")).contains(">test</text>");
    assertThat(box(html, "split")).contains("<text class=\"kind\"", ">SplitTable</text>");
    // each box opens its step's MLflow child run
    for (String step : PipelineFixture.MAIN_STEPS) {
      StepRun s = fx.first.latest(step);
      assertThat(html).contains("data-step=\"" + step + "\"><title>" + step + " (");
      assertThat(box(html, step)).contains("<a href=\"/ui/run?run_id=" + s.stepRunId() + "\">");
    }
    // the table: one row per step, its status, no cache hit, its outputs with hash, size and links, and its log
    assertThat(all("<tr data-step=\"([^\"]+)\"", html)).containsExactlyElementsOf(PipelineFixture.MAIN_STEPS);
    StepRun split = fx.first.latest("split");
    String row = tableRow(html, "split");
    assertThat(row).contains("SUCCEEDED", "miss", "stratify=y", "seed=3");
    for (StepArtifact out : split.outputs()) {
      assertThat(row).contains("data-output=\"" + out.name() + "\"", out.sha256().substring(0, 12),
          "title=\"sha256 " + out.sha256() + "\"", PipelineViews.size(out.size()),
          "href=\"/ui/artifact?run_id=" + split.stepRunId() + "&amp;path=outputs%2F" + out.name() + "\"",
          "href=\"/api/2.0/mlflow-artifacts/artifacts/" + out.path() + "\"");
    }
    assertThat(row).contains("class=\"log\" href=\"/ui/artifact?run_id=" + split.stepRunId()
        + "&amp;path=cairn%2Fstep.log\"");
    // user content is escaped: the register step's description parameter, the model name
    assertThat(tableRow(html, "register")).contains("description=" + ESCAPED_MARKUP, "name=" + ESCAPED_MODEL);
    assertThat(html).doesNotContain(PipelineFixture.MARKUP);
    // the links lead somewhere: the output's preview and the log
    assertThat(page("/ui/artifact?run_id=" + split.stepRunId() + "&path=outputs%2Ftrain"))
        .contains("id=\"artifact-name\">outputs/train<", split.output("train").size() + " bytes");
    assertThat(page("/ui/artifact?run_id=" + split.stepRunId() + "&path=cairn%2Fstep.log"))
        .containsPattern("<pre id=\"preview\">[^<]+</pre>");
  }

  @Test
  void cacheHitsLinkTheStepRunTheyReusedAndItsOutputs() {
    String html = page(PipelineViews.pipelineUrl(fx.second.runId()));
    assertThat(boxes(html)).containsExactlyInAnyOrderElementsOf(
        PipelineFixture.MAIN_STEPS.stream().map(s -> s + ":cached").toList());
    assertThat(wires(html)).hasSize(PipelineFixture.MAIN_WIRES.size());
    StepRun hit = fx.second.latest("train");
    StepRun original = fx.first.latest("train");
    assertThat(hit.cachedFrom()).isEqualTo(original.stepRunId());
    String row = tableRow(html, "train");
    assertThat(row).contains("CACHED", "class=\"cached-from\" href=\"/ui/run?run_id=" + original.stepRunId() + "\"",
        // the outputs live under the step run that made them
        "href=\"/ui/artifact?run_id=" + original.stepRunId() + "&amp;path=outputs%2Fmodel\"");
    assertThat(box(html, "train")).contains("<a href=\"/ui/run?run_id=" + hit.stepRunId() + "\">");
  }

  @Test
  void aFailedRunShowsTheFailureEscapedAndTheSkippedStep() {
    String html = page(PipelineViews.pipelineUrl(fx.failed.runId()));
    assertThat(boxes(html)).containsExactlyInAnyOrder("source:failed", "after:skipped", "other:succeeded");
    assertThat(wires(html)).containsExactly("source→after");
    assertThat(html).contains("id=\"pipeline-status\">FAILED<", "bad row " + ESCAPED_MARKUP)
        .doesNotContain(PipelineFixture.MARKUP);
    assertThat(tableRow(html, "source")).contains("FAILED", "class=\"error\"", "bad row " + ESCAPED_MARKUP);
    assertThat(tableRow(html, "after")).contains("SKIPPED");
  }

  @Test
  void aRunningRunShowsItsRunningStepAndTheOneNotStarted() {
    String html = page(PipelineViews.pipelineUrl(fx.running));
    assertThat(boxes(html)).containsExactlyInAnyOrder("source:running", "next:pending");
    assertThat(box(html, "next")).doesNotContain("<a "); // no run to open yet
    assertThat(all("<tr data-step=\"([^\"]+)\"", html)).containsExactly("source");
    assertThat(fx.page("/ui/pipeline?run_id=no-such-run").status()).isEqualTo(404);
  }

  @Test
  void runPagesLinkToTheirPipeline() {
    assertThat(page(UiViews.runUrl(fx.first.runId())))
        .contains("id=\"pipeline-link\" href=\"/ui/pipeline?run_id=" + fx.first.runId() + "\"");
    assertThat(page(UiViews.runUrl(fx.first.latest("train").stepRunId())))
        .contains("id=\"pipeline-link\" href=\"/ui/pipeline?run_id=" + fx.first.runId() + "\"", "step train");
  }

  @Test
  void anExperimentsRunsPageLinksToItsPipelineRuns() {
    assertThat(page(UiViews.runsUrl(fx.experiment))).contains("id=\"experiment-pipelines\" href=\"/ui/pipelines?experiment_id="
        + fx.experiment + "\"");
  }

  @Test
  void theVersionPageShowsTheEvaluationRegisteredWithIt() {
    String model = page(ModelViews.modelUrl(PipelineFixture.MODEL));
    String versionUrl = ModelViews.versionUrl(PipelineFixture.MODEL, 1);
    assertThat(model).contains("class=\"evaluation\" href=\"" + versionUrl.replace("&", "&amp;") + "\"");
    String html = page(versionUrl);
    assertThat(html).contains(ESCAPED_MODEL + " version 1", "id=\"pipeline-link\" href=\"/ui/pipeline?run_id="
        + fx.first.runId() + "\"").doesNotContain("churn <b>");
    var eval = fx.evaluation;
    assertThat(eval.metrics()).containsKey("accuracy");
    for (Map.Entry<String, Double> m : eval.metrics().entrySet()) {
      assertThat(html).contains("<tr data-metric=\"" + m.getKey() + "\"><td>" + m.getKey() + "</td><td class=\"num\">"
          + UiViews.number(m.getValue()) + "</td></tr>");
    }
    // the confusion matrix: one row per actual label, its counts
    for (String actual : eval.labels()) {
      StringBuilder cells = new StringBuilder("<tr><th>" + actual + "</th>");
      for (String predicted : eval.labels()) {
        cells.append("<td class=\"num\">").append(eval.confusionMatrix().count(actual, predicted)).append("</td>");
      }
      assertThat(html).contains(cells);
    }
    // one slice row per slice of g, and the gap between the best and the worst slice
    assertThat(eval.slices().slices()).extracting(SliceMetrics::value).containsExactlyInAnyOrder("a", "b");
    assertThat(all("<tr data-slice=\"([^\"]+)\"", html)).containsExactlyInAnyOrder("g=a", "g=b");
    SliceGap gap = eval.slices().gaps().stream().filter(g -> g.metric().equals("accuracy")).findFirst().orElseThrow();
    assertThat(html).contains("<tr data-gap=\"g/accuracy\"><td>g</td><td>accuracy</td><td>" + gap.bestSlice() + " ("
        + UiViews.number(gap.best()) + ")</td><td>" + gap.worstSlice() + " (" + UiViews.number(gap.worst())
        + ")</td><td class=\"num\">" + UiViews.number(gap.gap()) + "</td></tr>");
    // one bar per feature, longest first, with its whisker, labelled with mean ± std
    assertThat(eval.importance()).isNotEmpty();
    List<String> expected = eval.importance().stream()
        .sorted((a, b) -> Double.compare(b.mean(), a.mean())).map(FeatureImportance::feature).toList();
    assertThat(all("<g class=\"bar\" data-feature=\"([^\"]+)\"", html)).containsExactlyElementsOf(expected);
    assertThat(Pattern.compile("<line class=\"whisker\"").matcher(html).results().count())
        .isEqualTo(3L * expected.size());
    FeatureImportance top = eval.importance().stream().filter(f -> f.feature().equals(expected.get(0))).findFirst()
        .orElseThrow();
    assertThat(html).contains(">" + UiViews.number(top.mean()) + " ± " + UiViews.number(top.std()) + "</text>");
    // the most important feature's bar is the widest
    List<Integer> widths = all("<g class=\"bar\"[^>]*><title>[^<]*</title>\\s*<text[^>]*>[^<]*</text>\\s*<rect x=\"\\d+\""
        + " y=\"\\d+\" width=\"(\\d+)\"", html).stream().map(Integer::parseInt).toList();
    assertThat(widths).hasSize(expected.size());
    assertThat(widths.get(0)).isEqualTo(widths.stream().mapToInt(Integer::intValue).max().orElseThrow());
  }

  @Test
  void aVersionWithoutAnEvaluationSaysSo() {
    fx.send("POST", "/api/2.0/mlflow/registered-models/create", Map.of("Content-Type", "application/json",
        "Authorization", fx.admin), "{\"name\":\"plain\"}");
    Answer created = fx.send("POST", "/api/2.0/mlflow/model-versions/create", Map.of("Content-Type",
        "application/json", "Authorization", fx.admin), "{\"name\":\"plain\",\"source\":\"s3://bucket/model\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String html = page(ModelViews.versionUrl("plain", 1));
    assertThat(html).contains("id=\"no-evaluation\"", "not registered from a logged model")
        .doesNotContain("id=\"evaluation-metrics\"");
    assertThat(fx.page(ModelViews.versionUrl("plain", 9)).status()).isEqualTo(404);
    assertThat(fx.page("/ui/model/version?name=plain&version=x").status()).isEqualTo(400);
  }

  @Test
  void lineageShowsThePipelineRunWithTheDatasetItRead() {
    String html = page(ModelViews.lineageUrl(PipelineFixture.MODEL, 1));
    assertThat(html).contains("data-node-kind=\"pipeline run\" data-node=\"run:" + fx.first.runId() + "\"",
        "href=\"/ui/pipeline?run_id=" + fx.first.runId() + "\"", "data-node-kind=\"dataset\" data-node=\"dataset:customers@1\"",
        "pipeline: churn");
    // the drawing has the edge from the dataset into the pipeline run
    assertThat(html).contains(">input to (training)<");
    // the API says the same, and downstream of the dataset the pipeline run is the one that produced the version
    Answer api = fx.send("GET", "/api/cairn/v1/lineage?model=" + ModelViews.encode(PipelineFixture.MODEL)
        + "&version=1", Map.of("Authorization", fx.admin), null);
    assertThat(api.body()).contains("\"id\":\"run:" + fx.first.runId() + "\",\"kind\":\"PIPELINE_RUN\"");
    Answer downstream = fx.send("GET", "/api/cairn/v1/lineage?dataset=customers@1", Map.of("Authorization",
        fx.admin), null);
    assertThat(downstream.status()).as(downstream.body()).isEqualTo(200);
    assertThat(downstream.body()).contains("\"id\":\"run:" + fx.first.runId() + "\",\"kind\":\"PIPELINE_RUN\"",
        "\"id\":\"run:" + fx.first.latest("load").stepRunId() + "\",\"kind\":\"RUN\"");
  }

  @Test
  void aViewerOfAnotherExperimentIsRefusedWithTheErrorPage() {
    Answer refused = fx.pageAs("eve", PipelineViews.pipelineUrl(fx.first.runId()));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("Content-Type")).startsWith("text/html");
    assertThat(refused.body()).contains("id=\"page-error\"", "needs role viewer");
    assertThat(fx.pageAs("eve", PipelineViews.pipelineUrl(fx.failed.runId())).status()).isEqualTo(200);
    assertThat(fx.pageAs("eve", "/ui/pipelines").status()).isEqualTo(403);
    Answer scoped = fx.pageAs("eve", "/ui/pipelines?experiment_id=" + fx.otherExperiment);
    assertThat(scoped.status()).isEqualTo(200);
    assertThat(all("<tr data-run-id=\"([^\"]+)\"", scoped.body())).containsExactly(fx.failed.runId());
  }

  @Test
  void everyPipelineUrlOfTheDocsAnswersAPage() throws Exception {
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(UiDocsTest.DOC)) {
      if (line.startsWith(UiDocsTest.HOST + "/ui/pipeline")) {
        urls.add(line.strip().substring(UiDocsTest.HOST.length()));
      }
    }
    assertThat(urls).hasSizeGreaterThanOrEqualTo(3);
    for (String url : urls) {
      String html = page(url.replace("PIPELINE_RUN_ID", fx.first.runId()).replace("EXPERIMENT_ID", fx.experiment));
      assertThat(html).as(url).contains("<main>");
    }
  }

  private static String row(String html, String runId) {
    int start = html.indexOf("<tr data-run-id=\"" + runId + "\"");
    return html.substring(start, html.indexOf("</tr>", start));
  }

  private static String tableRow(String html, String step) {
    int start = html.indexOf("<tr data-step=\"" + step + "\"");
    assertThat(start).as("row of " + step).isNotNegative();
    return html.substring(start, html.indexOf("</tr>", start));
  }

  private static String wire(String html, String from, String to) {
    int start = html.indexOf("<g class=\"wire\" data-from=\"" + from + "\" data-to=\"" + to + "\"");
    assertThat(start).as("wire " + from + " to " + to).isNotNegative();
    return html.substring(start, html.indexOf("</g>", start));
  }

  private static String box(String html, String step) {
    int start = html.indexOf("data-step=\"" + step + "\"><title>");
    assertThat(start).as("box of " + step).isNotNegative();
    return html.substring(start, html.indexOf("</g>", start));
  }
}
