package dev.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its chromedriver, as the browser tests start it: never skipped (a machine
 * without Chromium fails, and .ci/run installs it), a fresh profile, nothing that reaches for the network.
 */
final class HeadlessChromium {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

  private HeadlessChromium() {}

  /** A browser with its profile under {@code dir}; alerts stay open so an XSS check can see them. */
  static ChromeDriver start(Path dir) throws IOException {
    assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium)").isExecutable();
    assertThat(CHROMEDRIVER).as("Debian's chromedriver (apt-get install chromium-driver)").isExecutable();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1280,900", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
    // the console is read by the tests: a script the Content-Security-Policy blocked shows there
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    Files.createDirectories(SCREENSHOTS);
    return new ChromeDriver(service, options);
  }

  /** Quits the browser (if it started), then closes what it was looking at. */
  static void quit(ChromeDriver browser, AutoCloseable fixture) {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (fixture != null) {
        try {
          fixture.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing the test server failed", e);
        }
      }
    }
  }

  /** The console's errors so far (reading them empties the log): a script or style the page's policy blocked. */
  static java.util.List<String> consoleErrors(ChromeDriver browser) {
    return browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
  }

  /** The visible window as target/ui-screenshots/NAME.png. */
  static Path screenshot(ChromeDriver browser, String name) throws IOException {
    return Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
  }
}
