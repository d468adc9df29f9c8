package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The dataset pages in real headless Chromium: from the list through the history to a version's column profiles
 * (histograms drawn as SVG, no script) and the drift report; screenshots under target/ui-screenshots/.
 */
class DatasetPagesBrowserTest {
  @TempDir static Path dir;
  static DatasetFixture fx;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fx = new DatasetFixture(dir.resolve("server"));
    browser = HeadlessChromium.start(dir);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    HeadlessChromium.quit(browser, fx);
  }

  /** Opens the history page and follows version 2's link of this class until the page shows {@code loaded}. */
  static void followFromHistory(String linkClass, By loaded) {
    browser.get(fx.url("/ui/datasets/" + DatasetFixture.NAME));
    wait.until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("#versions tr[data-version='2'] a." + linkClass))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(loaded));
  }

  static WebElement column(String name) {
    return browser.findElement(By.cssSelector("section.column-profile[data-column='" + name + "']"));
  }

  @Test
  void aVersionsProfileShowsAHistogramWithTheProfilesBins() throws IOException {
    browser.get(fx.url("/ui/datasets"));
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText(DatasetFixture.NAME))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));
    assertThat(browser.findElements(By.cssSelector("#versions tbody tr")).stream()
        .map(tr -> tr.getAttribute("data-version")).toList()).containsExactly("2", "1");
    HeadlessChromium.screenshot(browser, "dataset-history");
    browser.findElement(By.cssSelector("#versions tr[data-version='1'] td a")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.column-profile")));

    JsonNode profile = fx.api("/sensors/versions/1").path("profile").path("table.csv").path("profile");
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (JsonNode c : profile.path("columns")) {
      expected.put(c.path("name").asText(), c.path("histogram").size());
    }
    WebElement x = column("x");
    WebElement svg = x.findElement(By.cssSelector("svg.hist"));
    assertThat(svg.getAttribute("data-bins")).isEqualTo(Integer.toString(expected.get("x"))).isEqualTo("10");
    List<WebElement> bars = svg.findElements(By.tagName("rect"));
    assertThat(bars).hasSize(expected.get("x"));
    // drawn, not only present: the bars take space on screen and the tallest fills the chart's height
    assertThat(svg.getSize().getWidth()).isGreaterThan(100);
    assertThat(bars.stream().mapToInt(b -> b.getSize().getHeight()).max().orElse(0))
        .isGreaterThan(svg.getSize().getHeight() * 9 / 10);
    assertThat(x.getText()).contains("Missing", "Distinct", "Mean", "Std", "p50");
    // the categorical column draws its top values, and the value named like an HTML tag stays text
    WebElement kind = column("kind");
    assertThat(kind.findElement(By.cssSelector("svg.hist")).getAttribute("data-bins")).isEqualTo("3");
    assertThat(kind.getText()).contains(DatasetFixture.XSS);
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    // the column panels at the top of the window: the screenshot docs/ui.md shows
    browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.cssSelector("div.profiles")));
    HeadlessChromium.screenshot(browser, "dataset-profile");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void theDriftPageGivesAVerdictPerColumnOverTwoSeries() throws IOException {
    followFromHistory("drift", By.cssSelector("table.drift"));
    JsonNode api = fx.api("/drift?reference=sensors@1&current=sensors@2").path("tables").path("table.csv");
    Map<String, String> expected = new LinkedHashMap<>();
    for (JsonNode c : api.path("columns")) {
      expected.put(c.path("column").asText(), c.path("drifted").asBoolean() ? "drifted" : "no drift");
    }
    Map<String, String> shown = new LinkedHashMap<>();
    for (WebElement row : browser.findElements(By.cssSelector("table.drift tbody tr"))) {
      shown.put(row.getAttribute("data-column"), row.findElement(By.cssSelector("td.verdict")).getText()
          .replace(" (from sketches)", ""));
      assertThat(row.findElements(By.cssSelector("svg.hist g"))).hasSize(2);
      assertThat(row.findElements(By.cssSelector("svg.hist g.reference rect"))).isNotEmpty();
    }
    assertThat(shown).isEqualTo(expected).containsEntry("x", "drifted").containsEntry("score", "no drift");
    // the verdict's colour follows it
    String drifted = browser.findElement(By.cssSelector("tr[data-column='x'] td.verdict")).getCssValue("color");
    String stable = browser.findElement(By.cssSelector("tr[data-column='score'] td.verdict")).getCssValue("color");
    assertThat(drifted).isNotEqualTo(stable);
    // categories are named under their bars
    assertThat(browser.findElement(By.cssSelector("tr[data-column='kind'] figcaption.categories")).getText())
        .contains("red", "blue", "green");
    HeadlessChromium.screenshot(browser, "dataset-drift");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void validationShowsFailingRowsFromTheVersionPage() throws IOException {
    browser.get(fx.url("/ui/datasets/" + DatasetFixture.NAME + "/2"));
    wait.until(ExpectedConditions.elementToBeClickable(By.id("validate"))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.validation")));
    List<WebElement> failed = browser.findElements(By.cssSelector("table.validation tr.failed"));
    assertThat(failed).anySatisfy(tr -> assertThat(tr.getText()).startsWith("allowed_values kind").contains("green"));
    assertThat(failed.get(0).findElement(By.cssSelector("td.verdict")).getCssValue("color"))
        .isNotEqualTo(browser.findElement(By.cssSelector("table.validation tr.passed td.verdict")).getCssValue("color"));
    HeadlessChromium.screenshot(browser, "dataset-validate");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void theDiffPageListsTheAddedFileAndColumn() throws IOException {
    followFromHistory("diff", By.id("file-changes"));
    assertThat(browser.findElement(By.id("file-summary")).getText()).isEqualTo("1 added, 0 removed, 1 changed, 0 unchanged");
    assertThat(browser.findElement(By.cssSelector("tr.added[data-column='extra']")).getText()).contains("added");
    HeadlessChromium.screenshot(browser, "dataset-diff");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }
}
