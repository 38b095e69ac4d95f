package io.floorlink.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through its chromedriver, as the browser tests of the web pages use it: a
 * 1500x1100 window, one page language, a fresh profile, no background traffic, the browser console kept. A test is
 * skipped (an assumption) where Chromium or its driver is not installed; {@code .ci/run} installs both.
 */
public final class HeadlessChromium {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {}

    /** Skips the calling test (JUnit assumption) unless Chromium and chromedriver are installed. */
    public static void assumeInstalled() {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium at " + CHROMIUM + " and its driver at " + CHROMEDRIVER
                        + " (.ci/run installs chromium and chromium-driver)");
    }

    /**
     * Starts a browser; blocks until its driver answers. The caller quits it.
     *
     * @param language the page language and {@code Accept-Language}, e.g. {@code zh-CN} or {@code en}
     * @param profileParent where the throw-away profile folder is made
     * @param downloads where downloads land without a prompt; null: Chromium's default
     */
    public static ChromeDriver start(String language, Path profileParent, Path downloads) throws IOException {
        assumeInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--window-size=1500,1100",
                "--lang=" + language,
                "--user-data-dir=" + Files.createTempDirectory(profileParent, "chromium"));
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("intl.accept_languages", language.startsWith("zh") ? language + ",zh" : language);
        if (downloads != null) {
            prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
            prefs.put("download.prompt_for_download", false);
            prefs.put("download.directory_upgrade", true);
        }
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
