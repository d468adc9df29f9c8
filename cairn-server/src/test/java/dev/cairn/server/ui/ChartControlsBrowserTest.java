package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chart controls in real headless Chromium: state read from the URL (log scale, smoothing, x axis), applied to
 * the drawn uPlot charts, written back to the URL on a change; the system metrics' chart; the compare page's
 * scatter and parallel coordinates (screenshot target/ui-screenshots/compare-plots.png).
 */
class ChartControlsBrowserTest {
  @TempDir static Path dir;
  static ChartsFixture fx;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fx = new ChartsFixture(dir.resolve("server"));
    browser = HeadlessChromium.start(dir); // never skipped: without Chromium it fails (.ci/run installs it)
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    HeadlessChromium.quit(browser, fx);
  }

  @BeforeEach
  void emptyTheConsole() {
    HeadlessChromium.consoleErrors(browser);
  }

  WebElement drawn(String key) {
    return wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("figure.chart[data-key='" + key + "'][data-series]")));
  }

  Object script(String js, Object... args) {
    return browser.executeScript(js, args);
  }

  @Test
  void logScaleFromTheUrlHidesNonPositiveValuesAndSmoothingAddsASmoothedLine() throws IOException {
    browser.get(fx.url("/ui/run?run_id=" + fx.small + "&log=1"));
    WebElement loss = drawn("loss");
    assertThat(loss.getAttribute("data-log")).isEqualTo("1");
    assertThat(loss.getAttribute("data-series")).isEqualTo("1");
    // uPlot's own y scale is logarithmic (distr 3); the three values at or below 0 are left out and counted
    assertThat(script("return arguments[0].uplot.scales.y.distr", loss)).isEqualTo(3L);
    assertThat(loss.getAttribute("data-hidden")).isEqualTo("3");
    assertThat(loss.findElement(By.cssSelector(".chart-note")).getText())
        .isEqualTo("3 values at or below 0 hidden on the log scale");
    assertThat(browser.findElement(By.name("log")).isSelected()).isTrue();
    assertThat(loss.findElements(By.tagName("canvas"))).hasSize(1);

    // the slider: raw line kept faint, plus the smoothed one; the URL follows
    WebElement slider = browser.findElement(By.name("smooth"));
    script("arguments[0].value = '0.6'; arguments[0].dispatchEvent(new Event('input'))", slider);
    wait.until(d -> "2".equals(drawn("loss").getAttribute("data-series")));
    loss = drawn("loss");
    assertThat(loss.findElements(By.cssSelector(".u-legend .u-series"))).hasSize(3); // x, raw, smoothed
    assertThat(loss.findElements(By.tagName("canvas"))).hasSize(1); // redrawn, not added
    assertThat(script("return arguments[0].uplot.series[1].stroke()", loss).toString()).endsWith("40"); // faint
    assertThat(browser.getCurrentUrl()).contains("smooth=0.6", "log=1");
    assertThat(browser.findElement(By.cssSelector(".smooth-value")).getText()).isEqualTo("0.60");
    // the smoothed line of a noisy series is quieter than the raw one
    Object spread = script("var d = arguments[0].uplot.data; var s = function (ys) { var t = 0;"
        + " for (var i = 41; i < 99; i++) { t += Math.abs(ys[i + 1] - ys[i]); } return t; };"
        + " return s(d[2]) < s(d[1]) / 2;", loss);
    assertThat(spread).isEqualTo(true);
    HeadlessChromium.screenshot(browser, "run-log-smoothed");

    // a reload keeps the view
    browser.navigate().refresh();
    loss = drawn("loss");
    assertThat(loss.getAttribute("data-series")).isEqualTo("2");
    assertThat(loss.getAttribute("data-log")).isEqualTo("1");
    assertThat(browser.findElement(By.name("smooth")).getAttribute("value")).isEqualTo("0.6");
    assertThat(browser.findElement(By.cssSelector(".smooth-value")).getText()).isEqualTo("0.60");

    // unticking log: the linear scale shows every value
    browser.findElement(By.name("log")).click();
    wait.until(d -> "0".equals(drawn("loss").getAttribute("data-log")));
    assertThat(drawn("loss").getAttribute("data-hidden")).isEqualTo("0");
    assertThat(script("return arguments[0].uplot.scales.y.distr", drawn("loss"))).isEqualTo(1L);
    assertThat(browser.getCurrentUrl()).doesNotContain("log=");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void relativeTimeCountsSecondsFromTheRunsFirstPoint() {
    browser.get(fx.url("/ui/run?run_id=" + fx.small));
    assertThat(drawn("loss").getAttribute("data-x")).isEqualTo("step");
    new Select(browser.findElement(By.name("x"))).selectByValue("relative");
    wait.until(d -> "relative".equals(drawn("loss").getAttribute("data-x")));
    // the run's first point is the system metric's at T0; loss starts 10 s later, one point each 0.1 s
    assertThat(script("return arguments[0].uplot.data[0][0]", drawn("loss"))).isEqualTo(10L);
    assertThat(((Number) script("return arguments[0].uplot.data[0][99]", drawn("loss"))).doubleValue())
        .isCloseTo(19.9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(browser.getCurrentUrl()).contains("x=relative");
    new Select(browser.findElement(By.name("x"))).selectByValue("wall");
    wait.until(d -> "wall".equals(drawn("loss").getAttribute("data-x")));
    assertThat(script("return arguments[0].uplot.scales.x.time", drawn("loss"))).isEqualTo(true);
    assertThat(((Number) script("return arguments[0].uplot.data[0][0]", drawn("loss"))).doubleValue())
        .isEqualTo((ChartsFixture.T0 + 10_000) / 1000.0);
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void systemMetricsHaveTheirOwnSectionChartedByWallClock() throws IOException {
    browser.get(fx.url("/ui/run?run_id=" + fx.small));
    WebElement cpu = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
        "#system-charts figure.chart[data-key='" + ChartsFixture.CPU + "'][data-series]")));
    assertThat(cpu.getAttribute("data-x")).isEqualTo("wall");
    assertThat(cpu.getAttribute("data-points")).isEqualTo(String.valueOf(ChartsFixture.CPU_SAMPLES));
    assertThat(cpu.findElements(By.tagName("canvas"))).hasSize(1);
    assertThat(script("return arguments[0].uplot.scales.x.time", cpu)).isEqualTo(true);
    assertThat(browser.findElements(By.cssSelector("#metric-charts figure.chart[data-key='" + ChartsFixture.CPU + "']")))
        .isEmpty();
    script("arguments[0].scrollIntoView()", cpu);
    HeadlessChromium.screenshot(browser, "run-system-metrics");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void compareShowsTheScatterAndParallelCoordinatesWithoutScriptErrors() throws IOException {
    browser.get(fx.url(fx.compareUrl() + "&scatter_param=lr&pc_metric=acc"));
    WebElement scatter = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("scatter")));
    assertThat(scatter.findElements(By.cssSelector("g.point"))).hasSize(3);
    assertThat(browser.findElements(By.cssSelector("#parallel path.run"))).hasSize(3);
    drawn("loss"); // the overlaid charts drew too
    // choosing another param is a GET form: the URL holds the choice
    new Select(browser.findElement(By.name("scatter_param"))).selectByValue("opt");
    browser.findElement(By.xpath("//button[text()='Plot']")).click();
    wait.until(ExpectedConditions.urlContains("scatter_param=opt"));
    scatter = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("scatter")));
    assertThat(scatter.getAttribute("data-categorical")).isEqualTo("true");
    assertThat(browser.getCurrentUrl()).contains("run_ids=" + fx.small, "pc_metric=acc");
    assertThat(browser.findElements(By.tagName("script")).stream().map(s -> s.getAttribute("src")))
        .allMatch(src -> src != null && src.contains("/static/"));
    // both plots in one picture (docs/img/ui-compare-plots.png is this one)
    browser.manage().window().setSize(new Dimension(1100, 1150));
    try {
      script("document.querySelector('h2.plots').scrollIntoView()");
      HeadlessChromium.screenshot(browser, "compare-plots");
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 900));
    }
    // a point links to its run
    browser.findElement(By.cssSelector("#scatter g.point[data-run-id='" + fx.large + "'] circle")).click();
    wait.until(ExpectedConditions.urlContains("/ui/run?run_id=" + fx.large));
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }
}
