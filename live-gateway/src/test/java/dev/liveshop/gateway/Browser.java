package dev.liveshop.gateway;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's, driven by its chromedriver: nothing is downloaded),
 * phone-sized, with its own profile so that two browsers are two viewers. The paths can be
 * overridden with LIVESHOP_CHROMIUM and LIVESHOP_CHROMEDRIVER.
 */
final class Browser implements AutoCloseable {

  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(15);
  private final ChromeDriver driver;
  private final Path profile;
  private final String baseUrl;

  Browser(int port, int width, int height) throws IOException {
    String chromium = System.getenv().getOrDefault("LIVESHOP_CHROMIUM", "/usr/bin/chromium");
    String chromedriver = System.getenv().getOrDefault("LIVESHOP_CHROMEDRIVER", "/usr/bin/chromedriver");
    if (!new File(chromium).canExecute() || !new File(chromedriver).canExecute()) {
      throw new IllegalStateException("browser tests need Debian's chromium and chromedriver at " + chromium
          + " and " + chromedriver + ": apt-get install chromium chromium-driver (.ci/run does)");
    }
    profile = Files.createTempDirectory("liveshop-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(chromium).addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    baseUrl = "http://127.0.0.1:" + port;
  }

  Browser open(String path) {
    driver.get(baseUrl + path);
    return this;
  }

  WebElement find(String css) {
    return until(d -> {
      var found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    }, "a visible " + css);
  }

  void type(String css, String text) {
    WebElement field = find(css);
    field.clear();
    field.sendKeys(text);
  }

  void click(String css) {
    find(css).click();
  }

  /** Waits until the element's text contains {@code text}; answers the whole text. */
  String waitForText(String css, String text) {
    return waitForText(css, text, DEFAULT_WAIT);
  }

  /** Waits up to {@code wait} until the element's text contains {@code text}; answers the whole text. */
  String waitForText(String css, String text, Duration wait) {
    return until(d -> {
      var found = d.findElements(By.cssSelector(css));
      String shown = found.isEmpty() ? "" : found.get(0).getText();
      return shown.contains(text) ? shown : null;
    }, css + " to show '" + text + "'", wait);
  }

  void waitUntilGone(String css) {
    until(d -> d.findElements(By.cssSelector(css)).isEmpty() ? Boolean.TRUE : null, css + " to disappear");
  }

  Object script(String javascript) {
    return ((JavascriptExecutor) driver).executeScript(javascript);
  }

  <T> T until(Function<WebDriver, T> condition, String what) {
    return until(condition, what, DEFAULT_WAIT);
  }

  <T> T until(Function<WebDriver, T> condition, String what, Duration wait) {
    return new WebDriverWait(driver, wait).withMessage("waiting for " + what).until(condition);
  }

  /** Saves a PNG under target/screenshots for reviewers; answers its path. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path target = SCREENSHOTS.resolve(name + ".png");
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
