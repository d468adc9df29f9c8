package dev.cairn.bench;

import dev.cairn.server.CairnServer;
import dev.cairn.server.CairnServer.ServerConfig;
import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * What a person waits for in a real browser (Debian's headless Chromium): the runs page of SearchBench's fixture
 * (runs x 20 metrics x 10 params) until its table is usable (the navigation's DOMContentLoaded: the table is in
 * the HTML, no script builds it), and the run page of a run with a 1,000,000-point metric until its chart is
 * drawn (the chart script marks the figure when uPlot has drawn it; time since the navigation started).
 * Usage: {@code UiBrowserBench [runs] [repeats]}; {@code -Dbench.dir=DIR} keeps the database for the next run.
 */
public final class UiBrowserBench {
  private static final int POINTS = 1_000_000;

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Path dir = SearchBench.benchDir("cairn-bench-ui-browser");
    try (CairnServer server = CairnServer.start(new ServerConfig("127.0.0.1", 0, "sqlite:" + dir.resolve("cairn.db"),
        "file:" + dir.resolve("artifacts")))) {
      MetadataStore store = server.metadataStore();
      String experiment = SearchBench.fixture(store, runs);
      String longRun = longHistory(store);
      ChromeOptions options = new ChromeOptions();
      options.setBinary("/usr/bin/chromium");
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("cairn-bench-chromium"));
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
      ChromeDriver browser = new ChromeDriver(service, options);
      try {
        System.out.printf(Locale.ROOT, "# UiBrowserBench: %d runs, a %d-point history, %d loads each, load %s%n", runs,
            POINTS, repeats, HttpCeilingBench.loadAverage());
        double[] table = new double[repeats];
        double[] chart = new double[repeats];
        for (int i = -1; i < repeats; i++) { // one unmeasured load of each warms the JIT and the browser's cache
          browser.get(server.url() + "/ui/runs?experiment_id=" + experiment);
          double usable = number(browser.executeScript(
              "var n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd - n.startTime;"));
          if (browser.findElements(By.cssSelector("table tbody tr")).isEmpty()) {
            throw new IllegalStateException("the runs page shows no rows");
          }
          browser.get(server.url() + "/ui/run?run_id=" + longRun);
          double drawn = awaitChart(browser);
          if (i >= 0) {
            table[i] = usable;
            chart[i] = drawn;
          }
        }
        Arrays.sort(table);
        Arrays.sort(chart);
        System.out.println("| measure | median | min | max |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| runs page usable (DOMContentLoaded) | %.0f ms | %.0f ms | %.0f ms |%n",
            table[repeats / 2], table[0], table[repeats - 1]);
        System.out.printf(Locale.ROOT, "| 1,000,000-point chart drawn | %.0f ms | %.0f ms | %.0f ms |%n",
            chart[repeats / 2], chart[0], chart[repeats - 1]);
      } finally {
        browser.quit();
      }
    }
  }

  /** Milliseconds from the navigation's start until the chart figure carries its drawn-points mark. */
  private static double awaitChart(ChromeDriver browser) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Object at = ((JavascriptExecutor) browser).executeScript(
          "var f = document.querySelector('figure.chart[data-points]'); return f ? Number(f.dataset.drawnAt) : null;");
      if (at != null) {
        return number(at);
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("the chart was not drawn within 60 s");
  }

  private static double number(Object o) {
    return ((Number) o).doubleValue();
  }

  private static String longHistory(MetadataStore store) {
    String name = "chart-" + POINTS;
    try {
      String exp = store.getExperimentByName(name).experimentId();
      return store.searchRuns(List.of(exp), null, dev.cairn.tracking.ViewType.ALL, 1, List.of(), null).items().get(0)
          .info().runId();
    } catch (dev.cairn.core.CairnException e) {
      String exp = store.createExperiment(name, null, List.of());
      String run = store.createRun(exp, "bench", 1_700_000_000_000L, "long", List.of()).runId();
      for (int b = 0; b < POINTS / 1000; b++) {
        List<Metric> batch = new ArrayList<>(1000);
        for (int i = 0; i < 1000; i++) {
          long step = (long) b * 1000 + i;
          batch.add(new Metric("loss", 1.0 / (step + 1) + (step % 997 == 0 ? 0.5 : 0), 1_700_000_000_000L + step, step));
        }
        store.logBatch(run, batch, List.of(), List.of());
      }
      return run;
    }
  }
}
