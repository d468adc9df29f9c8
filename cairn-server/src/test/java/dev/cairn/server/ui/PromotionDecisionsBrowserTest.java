package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.core.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The promotion decision forms in real headless Chromium with authentication on: rita (editor) asked through the
 * API to move {@code @champion} from version 1 to 2; abe (approver) signs in through the form, opens the promotions
 * page and approves (the alias moves, on the page and through the API) or rejects with a reason (it stays). Each
 * test has a server of its own, so each starts from the one pending request. Screenshots under
 * target/ui-screenshots/.
 */
class PromotionDecisionsBrowserTest {
  @TempDir static Path dir;
  static ChromeDriver browser;
  static WebDriverWait wait;
  ModelFixture fx;

  @BeforeAll
  static void startBrowser() throws IOException {
    browser = HeadlessChromium.start(dir);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBrowser() {
    HeadlessChromium.quit(browser, null);
  }

  @BeforeEach
  void startServer(TestInfo test) {
    fx = new ModelFixture(dir.resolve(test.getTestMethod().orElseThrow().getName()), true);
  }

  @AfterEach
  void stopServer() {
    fx.close();
  }

  /** Opens the model's promotions page as abe, signing in through the form it redirects to. */
  WebElement signInAndOpenTheRequest() throws IOException {
    browser.manage().deleteAllCookies(); // a cookie of the previous test's server names no session here
    browser.get(fx.url(ModelViews.promotionsUrl(ModelFixture.NAME)));
    wait.until(ExpectedConditions.urlContains("/ui/login?next="));
    browser.findElement(By.id("user")).sendKeys("abe");
    browser.findElement(By.id("password")).sendKeys(ModelFixture.password("abe"));
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.urlContains(ModelViews.promotionsUrl(ModelFixture.NAME)));
    assertThat(browser.findElement(By.id("signed-in-user")).getText()).isEqualTo("abe");
    WebElement request = wait.until(ExpectedConditions.presenceOfElementLocated(section()));
    assertThat(request.findElement(By.cssSelector(".status")).getText()).isEqualTo("pending");
    assertThat(request.getText()).contains("Requested by rita", "better <acc>");
    return request;
  }

  By section() {
    return By.cssSelector("section.promotion[data-request='" + fx.requestId + "']");
  }

  /** The alias's version as the API reports it. */
  String championThroughTheApi() {
    ModelFixture.Answer a = fx.send("GET", "/api/2.0/mlflow/registered-models/alias?name="
        + URLEncoder.encode(ModelFixture.NAME, StandardCharsets.UTF_8) + "&alias=champion",
        Map.of("Authorization", fx.admin), null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    try {
      JsonNode body = Json.MAPPER.readTree(a.body());
      return body.path("model_version").path("version").asText();
    } catch (IOException e) {
      throw new AssertionError(a.body(), e);
    }
  }

  String championOnTheModelPage() {
    browser.get(fx.url(ModelViews.modelUrl(ModelFixture.NAME)));
    return wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("#aliases tr[data-alias='champion'] td.num"))).getText();
  }

  @Test
  void anApproverApprovesAndTheAliasMoves() throws IOException {
    WebElement request = signInAndOpenTheRequest();
    assertThat(championThroughTheApi()).isEqualTo("1");
    HeadlessChromium.screenshot(browser, "promotion-pending");
    request.findElement(By.name("comment")).sendKeys("numbers look right");
    request.findElement(By.cssSelector("button.approve")).click();
    // the form posts, the server redirects back to the page: the request is now applied, without buttons
    wait.until(ExpectedConditions.textToBe(By.cssSelector("section.promotion[data-request='" + fx.requestId
        + "'] .status"), "applied"));
    WebElement after = browser.findElement(section());
    assertThat(after.findElement(By.cssSelector(".decisions")).getText())
        .contains("approve by abe", "numbers look right");
    assertThat(after.findElements(By.cssSelector("button.approve"))).isEmpty();
    assertThat(browser.getCurrentUrl()).endsWith(ModelViews.promotionsUrl(ModelFixture.NAME));
    HeadlessChromium.screenshot(browser, "promotion-approved");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
    assertThat(championOnTheModelPage()).isEqualTo("2");
    assertThat(championThroughTheApi()).isEqualTo("2");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }

  @Test
  void anApproverRejectsWithAReasonAndTheAliasStays() throws IOException {
    WebElement request = signInAndOpenTheRequest();
    request.findElement(By.name("comment")).sendKeys("accuracy measured on the training set");
    request.findElement(By.cssSelector("button.reject")).click();
    wait.until(ExpectedConditions.textToBe(By.cssSelector("section.promotion[data-request='" + fx.requestId
        + "'] .status"), "rejected"));
    WebElement after = browser.findElement(section());
    assertThat(after.findElement(By.cssSelector(".decisions")).getText())
        .contains("reject by abe", "accuracy measured on the training set");
    assertThat(after.findElements(By.cssSelector("form.decide"))).isEmpty();
    HeadlessChromium.screenshot(browser, "promotion-rejected");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
    assertThat(championOnTheModelPage()).isEqualTo("1");
    assertThat(championThroughTheApi()).isEqualTo("1");
    ModelFixture.Answer got = fx.send("GET", "/api/cairn/v1/registry/promotions/get?request_id=" + fx.requestId,
        Map.of("Authorization", fx.admin), null);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.body()).contains("\"status\":\"REJECTED\"");
    assertThat(HeadlessChromium.consoleErrors(browser)).isEmpty();
  }
}
