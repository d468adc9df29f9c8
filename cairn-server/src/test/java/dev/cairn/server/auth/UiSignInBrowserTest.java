package dev.cairn.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.store.MetadataStore;
import dev.cairn.tracking.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Signing in to the UI in real headless Chromium (Debian's chromium and chromium-driver) against a server with
 * authentication on: the form, the experiments page with the user's name, a run's charts fetched with the
 * session cookie, and signing out.
 */
class UiSignInBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
  @TempDir static Path dir;
  static AuthServer server;
  static ChromeDriver browser;
  static WebDriverWait wait;
  static String runId;
  static String experimentId;

  @BeforeAll
  static void start() throws IOException {
    // never skipped: a machine without Chromium fails here, and .ci/run installs it
    assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium)").isExecutable();
    assertThat(CHROMEDRIVER).as("Debian's chromedriver (apt-get install chromium-driver)").isExecutable();
    server = AuthServer.start(dir.resolve("server"));
    AuthServer.Reply created = server.post("/api/cairn/v1/users",
        "{\"name\":\"grace\",\"password\":\"grace-password-1\",\"role\":\"viewer\"}", AuthServer.bearer(server.adminToken));
    assertThat(created.status()).as(created.toString()).isEqualTo(200);
    MetadataStore store = server.server.metadataStore();
    experimentId = store.createExperiment("signed-in-vision", null, List.of());
    runId = store.createRun(experimentId, "grace", System.currentTimeMillis(), "first", List.of()).runId();
    List<Metric> history = new ArrayList<>();
    for (int step = 0; step < 20; step++) {
      history.add(new Metric("loss", 1.0 / (step + 1), 1_700_000_000_000L + step, step));
    }
    store.logBatch(runId, history, List.of(), List.of());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1280,900", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  static void screenshot(String name) throws IOException {
    Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void signInSeeTheExperimentsAndTheChartsThenSignOut() throws IOException {
    String url = server.server.url();
    browser.get(url + "/ui/experiments");
    wait.until(ExpectedConditions.urlContains("/ui/login?next=%2Fui%2Fexperiments"));
    browser.findElement(By.id("user")).sendKeys("grace");
    browser.findElement(By.id("password")).sendKeys("grace-password-1");
    screenshot("sign-in");
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("experiments")));
    assertThat(browser.getCurrentUrl()).isEqualTo(url + "/ui/experiments");
    assertThat(browser.findElement(By.id("signed-in-user")).getText()).isEqualTo("grace");
    assertThat(browser.findElement(By.linkText("signed-in-vision")).isDisplayed()).isTrue();
    Cookie session = browser.manage().getCookieNamed(SignIn.COOKIE);
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Lax");
    screenshot("signed-in-experiments");

    // the run page's charts fetch the API with the session cookie
    browser.get(url + "/ui/run?run_id=" + runId);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure.chart[data-key='loss'][data-series]")));
    assertThat(browser.findElement(By.cssSelector("figure.chart[data-key='loss']")).getAttribute("data-points"))
        .isEqualTo("20");

    // nothing the pages or their scripts asked for was refused (the downsampling endpoint may be absent: 404)
    assertThat(browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage)
        .filter(m -> !m.contains("/metrics/downsampled")).toList()).isEmpty();

    // a session that ends while a page is open: the runs page's htmx filter loads the sign-in form as a page
    browser.get(url + "/ui/runs?experiment_id=" + experimentId);
    WebElement box = wait.until(ExpectedConditions.elementToBeClickable(By.id("filter")));
    browser.manage().deleteCookieNamed(SignIn.COOKIE);
    box.sendKeys("metrics.loss < 1");
    box.submit();
    wait.until(ExpectedConditions.urlContains("/ui/login?next="));
    assertThat(browser.findElement(By.name("next")).getAttribute("value")).startsWith("/ui/runs?experiment_id=")
        .contains("filter=metrics.loss");
    browser.findElement(By.id("user")).sendKeys("grace");
    browser.findElement(By.id("password")).sendKeys("grace-password-1");
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
    assertThat(browser.getCurrentUrl()).contains("/ui/runs?experiment_id=" + experimentId);

    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("login")));
    assertThat(browser.getCurrentUrl()).isEqualTo(url + "/ui/login");
    assertThat(browser.manage().getCookieNamed(SignIn.COOKIE)).isNull();
    browser.get(url + "/ui/experiments");
    wait.until(ExpectedConditions.urlContains("/ui/login?next="));
    assertThat(browser.findElements(By.id("signed-in-user"))).isEmpty();
  }
}
