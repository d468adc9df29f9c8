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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pipeline pages and a model version's evaluation in real headless Chromium (authentication off): from the
 * header's Pipelines to a run's DAG, a click on a step's box to its run page, and the evaluation of the version the
 * pipeline registered; screenshots under target/ui-screenshots/ (pipeline.png is docs/img/ui-pipeline.png).
 */
class PipelinePagesBrowserTest {
  @TempDir static Path dir;
  static PipelineFixture fx;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    fx = new PipelineFixture(dir.resolve("server"), false);
    browser = HeadlessChromium.start(dir);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    HeadlessChromium.quit(browser, fx);
  }

  @Test
  void aStepBoxOfThePipelineDagOpensTheStepsRun() throws IOException {
    browser.get(fx.url("/ui/experiments"));
    wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Pipelines"))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pipeline-runs")));
    assertThat(browser.findElements(By.cssSelector("#pipeline-runs tbody tr"))).hasSize(4);
    browser.findElement(By.linkText(fx.first.runId())).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pipeline-dag")));

    // seven boxes, drawn green, in seven columns left to right; ten edges
    List<WebElement> boxes = browser.findElements(By.cssSelector("svg#pipeline-dag g.step rect"));
    assertThat(boxes).hasSize(7);
    assertThat(boxes.stream().map(b -> b.getRect().getX()).distinct().count()).isEqualTo(7);
    assertThat(browser.findElements(By.cssSelector("svg#pipeline-dag g.wire"))).hasSize(10);
    WebElement train = browser.findElement(By.cssSelector("svg#pipeline-dag g.step[data-step='train'] rect"));
    assertThat(train.getCssValue("stroke")).isEqualTo("rgb(46, 125, 50)"); // the succeeded colour of cairn.css
    assertThat(browser.findElement(By.cssSelector("#steps tr[data-step='register']")).getText())
        .contains(PipelineFixture.MARKUP); // the description parameter, shown as text
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
    Dimension window = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(2480, 900)); // the whole chain of steps in one picture
    HeadlessChromium.screenshot(browser, "pipeline");
    browser.manage().window().setSize(window);

    browser.findElement(By.cssSelector("svg#pipeline-dag g.step[data-step='train'] a")).click();
    wait.until(ExpectedConditions.urlContains("/ui/run?run_id=" + fx.first.latest("train").stepRunId()));
    // and back from the step's run to its pipeline
    browser.findElement(By.id("pipeline-link")).click();
    wait.until(ExpectedConditions.urlContains("/ui/pipeline?run_id=" + fx.first.runId()));
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void aFailedRunShowsItsErrorAsText() {
    browser.get(fx.url(PipelineViews.pipelineUrl(fx.failed.runId())));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("pipeline-dag")));
    assertThat(browser.findElement(By.cssSelector("#steps tr[data-step='source']")).getText())
        .contains("bad row " + PipelineFixture.MARKUP);
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("svg#pipeline-dag g.step.failed"))).hasSize(1);
    assertThat(browser.findElements(By.cssSelector("svg#pipeline-dag g.step.skipped"))).hasSize(1);
    assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void theModelPageLeadsToTheVersionsEvaluation() throws IOException {
    browser.get(fx.url(ModelViews.modelUrl(PipelineFixture.MODEL)));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));
    browser.findElement(By.cssSelector("#versions tr[data-version='1'] a.evaluation")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("evaluation-metrics")));
    assertThat(browser.findElement(By.cssSelector("#evaluation-metrics tr[data-metric='accuracy']")).getText())
        .isEqualTo("accuracy " + UiViews.number(fx.evaluation.metric("accuracy")));
    assertThat(browser.findElements(By.cssSelector("#slices tbody tr"))).hasSize(2);
    assertThat(browser.findElements(By.cssSelector("#slice-gaps tbody tr"))).isNotEmpty();
    List<WebElement> bars = browser.findElements(By.cssSelector("svg#importance g.bar rect"));
    assertThat(bars).hasSize(fx.evaluation.importance().size());
    assertThat(bars.get(0).getRect().getWidth()).isPositive();
    browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.id("slices")));
    HeadlessChromium.screenshot(browser, "model-version");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
    browser.findElement(By.id("pipeline-link")).click();
    wait.until(ExpectedConditions.urlContains("/ui/pipeline?run_id=" + fx.first.runId()));
  }
}
