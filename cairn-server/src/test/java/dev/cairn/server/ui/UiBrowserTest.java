package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The UI in real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs): the pages
 * a user walks through, each saved as a screenshot under target/ui-screenshots/.
 */
class UiBrowserTest {
  static final Path SCREENSHOTS = HeadlessChromium.SCREENSHOTS;
  @TempDir static Path dir;
  static UiFixture fx;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fx = new UiFixture(dir.resolve("server"));
    browser = HeadlessChromium.start(dir); // never skipped: without Chromium it fails (.ci/run installs it)
    // htmx swaps the runs view in place: rows read during the swap are stale, and the wait reads them again
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    HeadlessChromium.quit(browser, fx);
  }

  static void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  static List<String> shownRunIds() {
    return RunsBulkBrowserTest.shown(browser); // one script call: no row handle can go stale mid-navigation
  }

  /**
   * The browser console's errors so far, but for the 404 of the downsampling endpoint the charts fall back from
   * while that endpoint is not served: a script the page's Content-Security-Policy blocked would show here.
   */
  static List<String> consoleErrors() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage).filter(m -> !m.contains("/metrics/downsampled")).toList();
  }

  void assertNoAlert() {
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
  }

  @Test
  void experimentsPageListsExperimentsAndLinksToRuns() throws IOException {
    browser.get(fx.url("/"));
    wait.until(ExpectedConditions.urlContains("/ui/experiments"));
    List<String> names = browser.findElements(By.cssSelector("#experiments tbody td:first-child a")).stream()
        .map(WebElement::getText).toList();
    assertThat(names).contains("vision", "speech");
    screenshot("experiments");
    browser.findElement(By.linkText("vision")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
    assertThat(shownRunIds()).containsExactlyInAnyOrder(fx.alpha, fx.beta, fx.gamma, fx.xss);
  }

  @Test
  void orFilterShowsExactlyTheMatchingRunsAndKeepsTheViewInTheUrl() throws IOException {
    browser.get(fx.url("/ui/runs?experiment_id=" + fx.experimentId));
    WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.id("filter")));
    box.clear();
    box.sendKeys("metrics.acc > 0.9 OR (params.opt = 'sgd' AND tags.team = 'c')");
    box.submit();
    wait.until(ExpectedConditions.urlContains("filter="));
    wait.until(d -> shownRunIds().size() == 2);
    assertThat(shownRunIds()).containsExactlyInAnyOrder(fx.alpha, fx.gamma);
    screenshot("runs-filtered");
    // the URL is the whole view: opening it afresh shows the same rows
    assertThat(consoleErrors()).isEmpty(); // htmx ran under the page's Content-Security-Policy
    String shared = browser.getCurrentUrl();
    browser.get(fx.url("/ui/experiments"));
    browser.get(shared);
    assertThat(shownRunIds()).containsExactlyInAnyOrder(fx.alpha, fx.gamma);
  }

  @Test
  void aFilterErrorIsShownInlineAtItsPosition() throws IOException {
    browser.get(fx.url("/ui/runs?experiment_id=" + fx.experimentId));
    WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.id("filter")));
    box.clear();
    String filter = "params.lr = '0.1' AND AND tags.team = 'a'";
    box.sendKeys(filter);
    box.submit();
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("filter-error")));
    int position = Integer.parseInt(error.getAttribute("data-position"));
    assertThat(error.getText()).contains("at position " + position);
    assertThat(position).isEqualTo(filter.indexOf("AND AND") + 4); // the second AND
    assertThat(error.findElement(By.tagName("mark")).getText()).isEqualTo(filter.substring(position, position + 1));
    screenshot("runs-filter-error");
  }

  @Test
  void sortingAndPagingFollowTheServer() {
    browser.get(fx.url("/ui/runs?experiment_id=" + fx.experimentId + "&sort=metrics.acc&desc=0&page_size=2"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
    assertThat(shownRunIds()).containsExactly(fx.xss, fx.gamma);
    browser.findElement(By.id("next-page")).click();
    wait.until(ExpectedConditions.urlContains("page_token="));
    wait.until(d -> shownRunIds().contains(fx.beta));
    assertThat(shownRunIds()).containsExactly(fx.beta, fx.alpha);
  }

  @Test
  void runPageDrawsOneChartPerMetricWithOneSeries() throws IOException {
    browser.get(fx.url("/ui/run?run_id=" + fx.alpha));
    WebElement loss = wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("figure.chart[data-key='loss'][data-series]")));
    assertThat(loss.getAttribute("data-series")).isEqualTo("1");
    assertThat(loss.getAttribute("data-points")).isEqualTo("100");
    assertThat(loss.findElements(By.tagName("canvas"))).hasSize(1);
    // uPlot's legend: the x series plus one line
    assertThat(loss.findElements(By.cssSelector(".u-legend .u-series"))).hasSize(2);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure.chart[data-key='acc'][data-series]")));
    assertThat(browser.findElement(By.id("run-name")).getText()).isEqualTo("alpha");
    assertThat(browser.findElement(By.cssSelector("dl.facts")).getText()).contains("0123abcd", "17.0.12");
    assertThat(consoleErrors()).isEmpty();
    screenshot("run");
  }

  @Test
  void comparingTwoRunsHighlightsTheDifferingParam() throws IOException {
    browser.get(fx.url("/ui/runs?experiment_id=" + fx.experimentId));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
    for (String id : List.of(fx.alpha, fx.beta)) {
      browser.findElement(By.cssSelector("tr[data-run-id='" + id + "'] input[name=run_ids]")).click();
    }
    browser.findElement(By.xpath("//button[text()='Compare selected']")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("compare-params")));
    WebElement lr = browser.findElement(By.cssSelector("#compare-params tr[data-key='lr']"));
    WebElement opt = browser.findElement(By.cssSelector("#compare-params tr[data-key='opt']"));
    assertThat(lr.getAttribute("class")).isEqualTo("differs");
    assertThat(opt.getAttribute("class")).isEqualTo("same");
    // the highlight is visible, not only a class name
    assertThat(lr.findElement(By.tagName("td")).getCssValue("background-color"))
        .isNotEqualTo(opt.findElement(By.tagName("td")).getCssValue("background-color"));
    // one chart per metric, one line per run, labelled with the run names
    WebElement loss = wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("figure.chart[data-key='loss'][data-series]")));
    assertThat(loss.getAttribute("data-series")).isEqualTo("2");
    assertThat(loss.findElements(By.tagName("canvas"))).hasSize(1);
    assertThat(loss.findElements(By.cssSelector(".u-legend .u-series")).stream().map(WebElement::getText).toList())
        .hasSize(3).anyMatch(t -> t.contains("alpha")).anyMatch(t -> t.contains("beta"));
    assertThat(consoleErrors()).isEmpty();
    screenshot("compare");
  }

  @Test
  void comparingTheRunNamedWithHtmlLabelsItsChartLineAsText() {
    browser.get(fx.url("/ui/compare?run_ids=" + fx.alpha + "&run_ids=" + fx.xss));
    WebElement acc = wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("figure.chart[data-key='acc'][data-series]")));
    assertThat(acc.findElements(By.cssSelector(".u-legend .u-series")).stream().map(WebElement::getText).toList())
        .anyMatch(t -> t.contains(UiFixture.XSS_NAME));
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertNoAlert();
  }

  @Test
  void aRunNamedWithHtmlRendersAsTextAndOpensNoDialog() throws IOException {
    browser.get(fx.url("/ui/runs?experiment_id=" + fx.experimentId));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
    WebElement cell = browser.findElement(By.cssSelector("tr[data-run-id='" + fx.xss + "'] td.name a"));
    assertThat(cell.getText()).isEqualTo(UiFixture.XSS_NAME);
    assertThat(browser.findElements(By.cssSelector("#runs img"))).isEmpty();
    assertNoAlert();
    cell.click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-name")));
    assertThat(browser.findElement(By.id("run-name")).getText()).isEqualTo(UiFixture.XSS_NAME);
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertNoAlert();
    screenshot("xss-run");
  }
}
