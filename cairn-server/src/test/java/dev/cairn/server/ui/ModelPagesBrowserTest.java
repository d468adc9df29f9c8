package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The registry pages in real headless Chromium (authentication off): from the model list to a model's page, its
 * versions and alias, and on to a version's lineage; screenshots under target/ui-screenshots/.
 */
class ModelPagesBrowserTest {
  @TempDir static Path dir;
  static ModelFixture fx;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fx = new ModelFixture(dir.resolve("server"), false);
    browser = HeadlessChromium.start(dir);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    HeadlessChromium.quit(browser, fx);
  }

  @Test
  void theListLeadsToTheModelsVersionsAliasAndLineage() throws IOException {
    browser.get(fx.url("/ui/models"));
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText(ModelFixture.NAME)));
    assertThat(browser.findElement(By.cssSelector("#models tbody tr")).getText()).contains("@champion → 1");
    HeadlessChromium.screenshot(browser, "models");
    browser.findElement(By.linkText(ModelFixture.NAME)).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(ModelFixture.NAME);
    assertThat(browser.findElements(By.cssSelector("#versions tbody tr")).stream()
        .map(tr -> tr.getAttribute("data-version")).toList()).containsExactly("2", "1");
    assertThat(browser.findElement(By.cssSelector("#versions tr[data-version='1'] td.aliases")).getText())
        .isEqualTo("champion");
    assertThat(browser.findElement(By.cssSelector("#aliases tr[data-alias='champion']")).getText())
        .isEqualTo("@champion 1");
    // the owner tag is <script>…</script>: shown as text, never run
    assertThat(browser.findElement(By.id("model-tags")).getText()).contains(ModelFixture.TAG_VALUE);
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
    HeadlessChromium.screenshot(browser, "model");

    browser.findElement(By.cssSelector("#versions tr[data-version='2'] a.lineage")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lineage")));
    browser.findElement(By.cssSelector("#lineage li[data-kind='run'] li[data-kind='dataset'] a")).click();
    wait.until(ExpectedConditions.urlContains("/ui/datasets/train-set/3"));
    browser.navigate().back();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lineage")));
    HeadlessChromium.screenshot(browser, "model-lineage");
    // the graph is drawn: three boxes laid out left to right (data, run, version), and a box is a link
    List<WebElement> boxes = browser.findElements(By.cssSelector("svg#lineage-graph g.node rect"));
    assertThat(boxes).hasSize(3);
    assertThat(boxes.stream().map(b -> b.getRect().getX()).distinct().count()).isEqualTo(3);
    browser.findElement(By.cssSelector("svg#lineage-graph g.node[data-node-kind='run'] a")).click();
    wait.until(ExpectedConditions.urlContains("/ui/run?run_id=" + fx.run2));
    browser.navigate().back();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lineage")));
    browser.findElement(By.cssSelector("#lineage li[data-kind='run'] > a")).click();
    wait.until(ExpectedConditions.urlContains("/ui/run?run_id=" + fx.run2));
  }
}
