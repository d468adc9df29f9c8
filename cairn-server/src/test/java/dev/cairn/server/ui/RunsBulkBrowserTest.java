package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.LifecycleStage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Bulk delete and restore in real headless Chromium: tick two runs, delete them, see them gone, switch to the
 * deleted runs, restore one, and see it back among the active ones. The forms need no script.
 */
class RunsBulkBrowserTest {
  @Test
  void tickTwoDeleteThemThenRestoreOne(@TempDir Path dir) throws IOException {
    UiFixture fx = new UiFixture(dir.resolve("server"));
    ChromeDriver browser = null;
    try {
      browser = HeadlessChromium.start(dir); // never skipped: without Chromium it fails (.ci/run installs it)
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
      wait.ignoring(StaleElementReferenceException.class);
      MetadataStore store = fx.server.metadataStore();
      String exp = store.createExperiment("bulk", null, List.of());
      List<String> runs = IntStream.range(0, 4).mapToObj(i -> store.createRun(exp, "ana", 1_000L + i, "run-" + i,
          List.of()).runId()).toList();
      ChromeDriver b = browser;
      browser.get(fx.url(UiViews.runsUrl(exp) + "&sort=attributes.run_name&desc=0"));
      wait.until(d -> shown(b).size() == 4);
      tick(browser, runs.get(1));
      tick(browser, runs.get(3));
      HeadlessChromium.screenshot(browser, "ui-runs-bulk-ticked");
      browser.findElement(By.xpath("//button[text()='Delete selected']")).click();
      wait.until(d -> shown(b).equals(List.of(runs.get(0), runs.get(2))));
      assertThat(browser.getCurrentUrl()).contains("sort=attributes.run_name", "desc=0");
      assertThat(store.getRun(runs.get(1)).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);

      browser.findElement(By.id("view-deleted")).click();
      wait.until(ExpectedConditions.urlContains("view=deleted"));
      wait.until(d -> shown(b).equals(List.of(runs.get(1), runs.get(3))));
      tick(browser, runs.get(3));
      HeadlessChromium.screenshot(browser, "ui-runs-deleted-view");
      browser.findElement(By.xpath("//button[text()='Restore selected']")).click();
      wait.until(d -> shown(b).equals(List.of(runs.get(1))));
      assertThat(browser.getCurrentUrl()).contains("view=deleted");

      browser.findElement(By.id("view-active")).click();
      wait.until(d -> !d.getCurrentUrl().contains("view=deleted"));
      wait.until(d -> shown(b).equals(List.of(runs.get(0), runs.get(2), runs.get(3))));
      assertThat(HeadlessChromium.consoleErrors(browser)).as("nothing the page's policy blocked").isEmpty();
    } finally {
      HeadlessChromium.quit(browser, fx);
    }
  }

  static void tick(ChromeDriver browser, String runId) {
    browser.findElement(By.cssSelector("tr[data-run-id='" + runId + "'] input[name=run_ids]")).click();
  }

  /**
   * The listed runs' ids, read in one script call: holding row elements across calls raced the page's navigation
   * after a form post ("node does not belong to the document"), which no wait could ignore precisely.
   */
  @SuppressWarnings("unchecked")
  static List<String> shown(ChromeDriver browser) {
    Object ids = browser.executeScript("return Array.from(document.querySelectorAll('#runs tbody tr'))"
        + ".map(tr => tr.getAttribute('data-run-id'));");
    return ids == null ? List.of() : List.copyOf((List<String>) ids);
  }
}
