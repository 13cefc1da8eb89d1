package io.tgharvester.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.slf4j.LoggerFactory;

/**
 * Debian's headless Chromium under its chromedriver for a test class, both found or installed by
 * scripts/lib/install-chromium (the script check-report and check-console use). Where they cannot be had (not root,
 * no apt-get, no package mirror) every test of the class is skipped with the script's reason, unless
 * {@code -Dconsole.browser=required} (check-console) makes that a failure.
 */
final class HeadlessChromium implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private static final Path INSTALL = Path.of("scripts", "lib", "install-chromium");
    /** Installing both packages downloads about 100 MB: generous, but a hung apt-get must not hang the suite. */
    private static final Duration INSTALL_LIMIT = Duration.ofMinutes(5);
    /**
     * Selenium warns at every start that it has no DevTools (CDP) binding for this Chromium's version; the tests
     * use WebDriver only, so these two stay quiet. Held here because java.util.logging keeps loggers weakly.
     */
    private static final List<Logger> CDP_WARNINGS = List.of(
            Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    private Optional<ChromeDriver> browser = Optional.empty();
    private Optional<String> unavailable = Optional.empty();

    /** The browser, once the class's tests may use it (empty where they are skipped). */
    Optional<ChromeDriver> browser() {
        return browser;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        Path out = Files.createTempFile("install-chromium", ".out");
        Path errors = Files.createTempFile("install-chromium", ".err");
        try {
            List<String> paths = installed(out, errors);
            if (paths.size() == 2) {
                browser = Optional.of(start(paths.get(0), paths.get(1)));
            }
        } finally {
            Files.delete(out);
            Files.delete(errors);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        unavailable.ifPresent(Assumptions::abort);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        browser.ifPresent(ChromeDriver::quit);
    }

    /**
     * A browser that reaches nothing but loopback: every host name fails to resolve, and Chromium's own background
     * calls (updates, sync) are off. Its browser log keeps the pages' console messages. chromedriver makes and
     * removes the profile.
     */
    private static ChromeDriver start(String chromium, String chromedriver) {
        CDP_WARNINGS.forEach(logger -> logger.setLevel(Level.SEVERE));
        ChromeOptions options = new ChromeOptions().setBinary(chromium).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--window-size=1280,1000");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        // A driver named here keeps Selenium Manager, which would look for one online, out of it.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The browser's and the driver's paths as install-chromium prints them, or none and the reason noted. */
    private List<String> installed(Path out, Path errors) throws IOException, InterruptedException {
        Process install = new ProcessBuilder(INSTALL.toString(), "--driver").redirectOutput(out.toFile())
                .redirectError(errors.toFile()).redirectInput(new File("/dev/null")).start();
        if (!install.waitFor(INSTALL_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            install.descendants().forEach(ProcessHandle::destroyForcibly);
            install.destroyForcibly();
            noBrowser("installing chromium and chromium-driver took over " + INSTALL_LIMIT.toMinutes() + " min");
            return List.of();
        }
        List<String> paths = Files.readAllLines(out).stream().filter(line -> !line.isBlank()).toList();
        if (install.exitValue() != 0 || paths.size() != 2) {
            List<String> said = Files.readAllLines(errors).stream().filter(line -> !line.isBlank()).toList();
            noBrowser(said.isEmpty() ? INSTALL + " failed with exit code " + install.exitValue()
                    : said.get(said.size() - 1));
            return List.of();
        }
        return paths;
    }

    private void noBrowser(String reason) {
        String why = "no headless Chromium for the browser test: " + reason;
        if ("required".equals(System.getProperty("console.browser"))) {
            throw new AssertionFailedError(why);
        }
        LoggerFactory.getLogger(HeadlessChromium.class).warn("event=browser-test-skipped reason=\"{}\"", why);
        unavailable = Optional.of(why);
    }
}
