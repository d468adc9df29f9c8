package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The deployment pages in real headless Chromium (authentication off): from the list to a deployment that served two
 * model versions, whose monitor charts uPlot draws with one line per figure and version, under the page's
 * Content-Security-Policy (no console errors); screenshots under target/ui-screenshots/.
 */
class DeploymentPagesBrowserTest {
  @TempDir static Path dir;
  static DeploymentFixture fx;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fx = new DeploymentFixture(dir.resolve("fixture"), false);
    browser = HeadlessChromium.start(dir); // never skipped: without Chromium it fails (.ci/run installs it)
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    HeadlessChromium.quit(browser, fx);
  }

  @Test
  void theDeploymentPageDrawsItsMonitorChartsWithALinePerFigureAndVersion() throws IOException {
    browser.get(fx.url("/ui/deployments"));
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText(DeploymentFixture.AB)));
    HeadlessChromium.screenshot(browser, "deployments");
    browser.findElement(By.linkText(DeploymentFixture.AB)).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("monitor-charts")));
    // every chart is drawn once the script ran: data-series is set by it, a canvas is uPlot's
    List<WebElement> charts = wait.until(d -> {
      List<WebElement> all = d.findElements(By.cssSelector("figure.monitor-chart"));
      return !all.isEmpty() && all.stream().allMatch(f -> f.getAttribute("data-series") != null) ? all : null;
    });
    Map<String, String> series = new LinkedHashMap<>();
    for (WebElement f : charts) {
      assertThat(f.findElements(By.tagName("canvas"))).as(f.getAttribute("id")).hasSize(1);
      series.put(f.getAttribute("data-chart"), f.getAttribute("data-series"));
      // uPlot's own series (x first) match the lines the page handed it
      assertThat(browser.executeScript("return arguments[0].uplot.series.length - 1", f).toString())
          .isEqualTo(f.getAttribute("data-series"));
    }
    // two versions: traffic 2 figures, latency 3, drift 1, quality 3, accuracy 1, each per version; per-feature
    // drift one line per feature (4) for each version
    assertThat(series).containsEntry("traffic", "4").containsEntry("latency", "6").containsEntry("drift", "2")
        .containsEntry("quality", "6").containsEntry("accuracy", "2").containsEntry("feature-drift-0", "4")
        .containsEntry("feature-drift-1", "4").doesNotContainKey("rmse"); // a classifier: no RMSE
    if (series.containsKey("errors")) { // once the log records failed requests
      assertThat(series).containsEntry("errors", "2");
    }
    WebElement traffic = browser.findElement(By.id("chart-traffic"));
    assertThat(traffic.findElements(By.cssSelector(".u-legend .u-series"))).hasSize(5); // x and four lines
    // the model's name holds markup: the legend shows it as text
    assertThat(traffic.findElement(By.cssSelector(".u-legend")).getText()).contains("requests · churn <i>&/1");
    assertThat(browser.findElement(By.id("description")).getText()).contains("<script>alert(1)</script>");
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
    HeadlessChromium.screenshot(browser, "deployment");
    browser.executeScript("document.getElementById('monitor').scrollIntoView()");
    HeadlessChromium.screenshot(browser, "deployment-monitor");
    browser.executeScript("document.querySelector('section.feature-drift').scrollIntoView()");
    HeadlessChromium.screenshot(browser, "deployment-drift");
    browser.executeScript("document.getElementById('windows').scrollIntoView()");
    HeadlessChromium.screenshot(browser, "deployment-windows");
  }
}
