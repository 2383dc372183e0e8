package dev.coexist.inbox;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver: nothing is downloaded. Runs in a
 * fresh profile, in a fixed time zone and language, so that what the page shows is predictable.
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private Browser(final ChromeDriverService service, final ChromeDriver driver) {
    this.service = service;
    this.driver = driver;
  }

  static boolean installed() {
    return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
  }

  /** A browser whose clock shows times in {@code timeZone} (an IANA name). */
  static Browser start(final Path profile, final String timeZone) {
    final ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .withEnvironment(Map.of("TZ", timeZone, "LANG", "en_US.UTF-8"))
            .build();
    final ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--lang=en-US",
        "--window-size=1400,900",
        "--user-data-dir=" + profile.toAbsolutePath());
    final LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    try {
      return new Browser(service, new ChromeDriver(service, options));
    } catch (RuntimeException failed) {
      service.stop();
      throw failed;
    }
  }

  /** Downloads go to {@code folder}, without asking. */
  void allowDownloadsTo(final Path folder) {
    driver.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", folder.toAbsolutePath().toString()));
  }

  /** Lays the page out as a screen of this size (a phone: 390 x 844), touch and all. */
  void viewport(final int width, final int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
  }

  /** Back to the window's own size. */
  void fullViewport() {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /** What {@code prefers-color-scheme} answers: "dark", "light", or "" for the default. */
  void colorScheme(final String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  WebDriver driver() {
    return driver;
  }

  /** Opens the inbox at {@code url} with nothing remembered, and signs in with {@code apiKey}. */
  void signIn(final String url, final String apiKey) {
    open(url);
    script("sessionStorage.clear()");
    open(url);
    awaitElement("#api-key").sendKeys(apiKey, Keys.ENTER);
  }

  void open(final String url) {
    driver.get(url);
  }

  Object script(final String javascript, final Object... arguments) {
    return driver.executeScript(javascript, arguments);
  }

  /** Runs {@code javascript} that calls its last argument when done; returns what it passed. */
  Object asyncScript(final String javascript, final Object... arguments) {
    return driver.executeAsyncScript(javascript, arguments);
  }

  WebElement find(final String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(final String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits up to {@code timeout} for {@code condition} to be non-null and not false. */
  <T> T await(final Duration timeout, final Function<WebDriver, T> condition) {
    // the page re-renders lists when the feed reports changes: an element found a moment ago may
    // be replaced by the time it is read, which only means "look again"
    return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  <T> T await(final Function<WebDriver, T> condition) {
    return await(Duration.ofSeconds(10), condition);
  }

  /** The first element matching {@code css} once there is one. */
  WebElement awaitElement(final String css) {
    return await(
        d -> {
          final List<WebElement> found = d.findElements(By.cssSelector(css));
          return found.isEmpty() ? null : found.getFirst();
        });
  }

  /** Saves what the page shows now as {@code target/screenshots/NAME.png}. */
  Path screenshot(final String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      final Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          target,
          StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  /** Console messages since the last call: errors, CSP violations, uncaught exceptions. */
  List<String> console() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::toString)
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
