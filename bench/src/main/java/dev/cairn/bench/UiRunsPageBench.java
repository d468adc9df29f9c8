package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The web UI's runs page on SearchBench's fixture (runs x 20 metrics x 10 params): the server's time to answer
 * the first page (50 rows, wall time from a Java client on the same machine), and the page's weight, HTML plus
 * the CSS and scripts it links, each gzip-compressed as a browser would fetch them.
 * Usage: {@code UiRunsPageBench [runs] [calls]}; {@code -Dbench.dir=DIR} keeps the database for the next run.
 */
public final class UiRunsPageBench {
  private static final Pattern LINKED = Pattern.compile("(?:href|src)=\"(/static/[^\"]+)\"");

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path dir = SearchBench.benchDir("cairn-bench-ui");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      String exp = SearchBench.fixture(server.metadataStore(), runs);
      String base = "/ui/runs?experiment_id=" + exp;
      Map<String, String> pages = new LinkedHashMap<>();
      pages.put("first page, default columns", base);
      pages.put("sorted by metrics.metric_5 DESC", base + "&sort=metrics.metric_5&desc=1");
      pages.put("filter metrics.metric_3 > 0.9 OR params.param_1 = '3'",
          base + "&filter=" + URLEncoder.encode("metrics.metric_3 > 0.9 OR params.param_1 = '3'", StandardCharsets.UTF_8));
      pages.put("experiments list (newest run of each looked up, active runs counted)", "/ui/experiments");
      HttpClient http = HttpClient.newHttpClient();
      System.out.printf(Locale.ROOT, "# UiRunsPageBench: %d runs, 50 rows a page, %d calls per page, load %s%n", runs,
          calls, HttpCeilingBench.loadAverage());
      System.out.println("| page | p50 | p90 | max | HTML bytes |");
      System.out.println("|---|---|---|---|---|");
      String firstHtml = null;
      for (Map.Entry<String, String> p : pages.entrySet()) {
        double[] ms = new double[calls];
        String html = null;
        for (int i = -3; i < calls; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + p.getValue())).GET().build(),
              HttpResponse.BodyHandlers.ofString());
          double elapsed = (System.nanoTime() - t0) / 1e6;
          if (r.statusCode() != 200 || !r.body().contains("</main>")) {
            throw new IllegalStateException(p.getKey() + " -> " + r.statusCode());
          }
          html = r.body();
          if (i >= 0) {
            ms[i] = elapsed;
          }
        }
        firstHtml = firstHtml == null ? html : firstHtml; // the runs page's first page, for its weight
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %d |%n", p.getKey(), ms[calls / 2],
            ms[(int) (calls * 0.9)], ms[calls - 1], html.getBytes(StandardCharsets.UTF_8).length);
      }
      // the experiments page's run counts alone: one grouped count over the runs (experiment_id, lifecycle_stage) index
      java.util.List<String> ids = server.metadataStore().searchExperiments(dev.cairn.tracking.ViewType.ACTIVE_ONLY,
          null, java.util.List.of(), 50, null).items().stream().map(dev.cairn.tracking.Experiment::experimentId).toList();
      double[] countMs = new double[calls];
      for (int i = -3; i < calls; i++) {
        long t0 = System.nanoTime();
        server.metadataStore().countRuns(ids, dev.cairn.tracking.ViewType.ACTIVE_ONLY);
        if (i >= 0) {
          countMs[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(countMs);
      System.out.printf(Locale.ROOT, "| countRuns of %d experiments (in process, no HTTP) | %.1f ms | %.1f ms | %.1f ms | - |%n",
          ids.size(), countMs[calls / 2], countMs[(int) (calls * 0.9)], countMs[calls - 1]);
      // the runs page's bulk delete at its limit: 500 runs in one form post (a scratch experiment, deleted after)
      String scratch = server.metadataStore().createExperiment("bulk-" + System.nanoTime(), null, java.util.List.of());
      for (int round = 0; round < 3; round++) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < 500; i++) {
          form.append(i == 0 ? "" : "&").append("run_ids=").append(server.metadataStore()
              .createRun(scratch, "bench", i, "bulk-" + i, java.util.List.of()).runId());
        }
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/ui/runs/delete?experiment_id="
            + scratch)).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
        System.out.printf(Locale.ROOT, "| delete 500 runs from the runs page, round %d | %.1f ms | status %d | | |%n", round + 1,
            (System.nanoTime() - t0) / 1e6, r.statusCode());
      }
      server.metadataStore().deleteExperiment(scratch);
      long raw = firstHtml.getBytes(StandardCharsets.UTF_8).length;
      long zipped = gzip(firstHtml.getBytes(StandardCharsets.UTF_8));
      System.out.println();
      System.out.println("| runs page file | bytes | gzip bytes |");
      System.out.println("|---|---|---|");
      System.out.printf(Locale.ROOT, "| HTML (first page) | %d | %d |%n", raw, zipped);
      Matcher m = LINKED.matcher(firstHtml);
      while (m.find()) {
        byte[] body = http.send(HttpRequest.newBuilder(URI.create(server.url() + m.group(1))).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray()).body();
        long z = gzip(body);
        raw += body.length;
        zipped += z;
        System.out.printf(Locale.ROOT, "| %s | %d | %d |%n", m.group(1).replaceFirst("\\?.*", ""), body.length, z);
      }
      System.out.printf(Locale.ROOT, "| total | %d | %d |%n", raw, zipped);
      HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create(server.url() + base))
          .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      System.out.println("server Content-Encoding for gzip-accepting clients: "
          + gz.headers().firstValue("Content-Encoding").orElse("none") + " (" + gz.body().length + " bytes sent)");
    }
  }

  private static long gzip(byte[] bytes) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes);
    }
    return out.size();
  }

  private UiRunsPageBench() {}
}
