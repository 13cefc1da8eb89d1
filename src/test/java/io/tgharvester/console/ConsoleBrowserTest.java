package io.tgharvester.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tgharvester.config.HarvesterConfig;
import io.tgharvester.correlate.RelatedSamples;
import io.tgharvester.store.CorrelationQueries;
import io.tgharvester.store.Database;
import io.tgharvester.store.Queries;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The console in a real browser (headless Chromium through chromedriver) over a simulator harvest, on loopback:
 * what an analyst clicks through, whether console.js runs under the console's CSP, and whether the charts draw.
 */
class ConsoleBrowserTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    static final HeadlessChromium CHROMIUM = new HeadlessChromium();

    @TempDir
    static Path dataDir;
    private static ChromeDriver browser;
    private static Database reader;
    private static ConsoleServer console;
    private static String base;

    @BeforeAll
    static void serveAHarvest() {
        if (CHROMIUM.browser().isEmpty()) {
            return; // each test is skipped, with the reason
        }
        browser = CHROMIUM.browser().get();
        browser.manage().timeouts().pageLoadTimeout(PATIENCE);
        HarvesterConfig config = ConsoleHarvest.harvest(dataDir);
        reader = Database.openReadOnly(dataDir);
        console = ConsoleHarvest.serve(config, reader, Clock.systemUTC());
        base = "http://127.0.0.1:" + console.port();
    }

    @AfterAll
    static void close() {
        if (console != null) {
            console.close();
        }
        if (reader != null) {
            reader.close();
        }
    }

    @Test
    void anAnalystSearchesALoginOpensASampleAndFollowsARelatedOne() {
        Walk walk = walk();

        browser.get(base + "/");
        assertEquals("Overview", heading());
        assertEquals(String.valueOf(count("SELECT COUNT(*) FROM samples")),
                browser.findElement(By.xpath("//div[@class='kpi'][div[@class='label']='Samples']/div[@class='value']"))
                        .getText());

        click(browser.findElement(By.cssSelector("nav.console-nav a[href='/samples']")), "/samples");
        WebElement login = browser.findElement(By.name("login"));
        login.sendKeys(walk.login());
        login.submit();
        await(() -> browser.getCurrentUrl().contains("login=" + URLEncoder.encode(walk.login(),
                StandardCharsets.UTF_8)), "the search for " + walk.login());
        List<String> found = sampleLinks(browser.findElement(By.tagName("main")));
        assertEquals(Set.copyOf(ids("SELECT TRIM(id) FROM samples WHERE login = '" + walk.login() + "'")),
                Set.copyOf(found), "the samples of " + walk.login());

        click(browser.findElement(By.cssSelector("main a[href='/samples/" + walk.sample() + "']")),
                "/samples/" + walk.sample());
        assertEquals("Sample " + filename(walk.sample()), heading());
        WebElement related = browser.findElement(By.xpath("//section[h2='Related samples']"));
        assertEquals(walk.related(), sampleLinks(related), "the related samples, ranked as `related` ranks them");

        click(related.findElement(By.cssSelector("a[href='/samples/" + walk.related().get(0) + "']")),
                "/samples/" + walk.related().get(0));
        assertEquals("Sample " + filename(walk.related().get(0)), heading());
        assertTrue(sampleLinks(browser.findElement(By.xpath("//section[h2='Related samples']")))
                .contains(walk.sample()), "relations go both ways");
        assertNoConsoleErrors();
    }

    @Test
    void aClickOnAHeadingSortsATableWithTheConsolesOwnScript() {
        browser.get(base + "/samples/" + walk().sample());
        WebElement table = browser.findElement(By.xpath("//section[h2='Related samples']//table"));
        WebElement idHeading = table.findElement(By.xpath(".//thead/tr/th[.='sample id']"));
        assertEquals("sort by sample id", idHeading.getDomAttribute("title"), "console.js ran under the CSP");
        int column = table.findElements(By.cssSelector("thead th")).indexOf(idHeading);
        List<String> shown = column(table, column);
        assertTrue(shown.size() >= 2, "something to sort: " + shown);

        idHeading.click();
        assertEquals("ascending", idHeading.getDomAttribute("aria-sort"));
        List<String> ascending = shown.stream().sorted().toList();
        assertEquals(ascending, column(table, column));
        idHeading.click();
        assertEquals("descending", idHeading.getDomAttribute("aria-sort"));
        assertEquals(ascending.stream().sorted(Comparator.reverseOrder()).toList(), column(table, column));
        assertNoConsoleErrors();
    }

    @Test
    void theUsersChartsAndTheOverviewsShareBarsAreDrawn() throws Exception {
        browser.get(base + "/users?since=all");
        List<WebElement> charts = browser.findElements(By.cssSelector(".chart svg"));
        assertEquals(Set.of("chart-users", "chart-over-time", "chart-time-to-result"),
                Set.copyOf(charts.stream().map(chart -> chart.getDomAttribute("id")).toList()), "every chart is there");
        for (WebElement chart : charts) {
            String id = chart.getDomAttribute("id");
            assertTrue(chart.getRect().getWidth() > 300 && chart.getRect().getHeight() > 100,
                    id + " is laid out: " + chart.getRect().getDimension());
            assertTrue(chart.findElements(By.cssSelector("rect, path, line, polygon")).size() >= 5, id + " shapes");
            assertTrue(chart.findElements(By.tagName("text")).size() >= 3, id + " labels");
            assertDrawn(chart, id);
        }
        List<WebElement> hours = browser.findElements(By.cssSelector("table.heat td[style]"));
        assertFalse(hours.isEmpty(), "the weekday x hour heatmap");
        for (WebElement hour : hours.subList(0, Math.min(5, hours.size()))) {
            Matcher colour = Pattern.compile("background:#(\\p{XDigit}{2})(\\p{XDigit}{2})(\\p{XDigit}{2})")
                    .matcher(hour.getDomAttribute("style"));
            assertTrue(colour.find(), hour.getDomAttribute("style"));
            assertEquals("rgba(%d, %d, %d, 1)".formatted(Integer.parseInt(colour.group(1), 16),
                    Integer.parseInt(colour.group(2), 16), Integer.parseInt(colour.group(3), 16)),
                    hour.getCssValue("background-color"), "the users page's CSP allows the heatmap's own colours");
        }

        browser.get(base + "/");
        List<WebElement> bars = browser.findElements(By.cssSelector("meter"));
        assertEquals(count("SELECT COUNT(DISTINCT state) FROM samples"), bars.size(), "one bar a state");
        for (WebElement bar : bars) {
            assertTrue(bar.getRect().getWidth() > 20 && bar.getRect().getHeight() > 5, bar.getRect().toString());
            assertDrawn(bar, "the share bar of " + bar.getDomAttribute("value") + " samples");
        }
        assertNoConsoleErrors();
    }

    /** The sample the walk starts from (the first with related samples), its login, and what it is related to. */
    private record Walk(String sample, String login, List<String> related) {
    }

    private static Walk walk() {
        CorrelationQueries correlations = new CorrelationQueries(reader);
        for (List<Object> row : new Queries(reader).userQuery("SELECT TRIM(id), login FROM samples"
                + " WHERE login IS NOT NULL AND id <> '" + ConsoleHarvest.HOSTILE_ID + "' ORDER BY id").rows()) {
            String id = (String) row.get(0);
            List<String> related = RelatedSamples.of(correlations, id, SamplePage.RELATED,
                    RelatedSamples.DEFAULT_COMMON_ABOVE).related().rows().stream()
                    .map(r -> (String) r.get(0)).toList();
            if (!related.isEmpty()) {
                return new Walk(id, (String) row.get(1), related);
            }
        }
        return fail("the harvest has no sample with related samples: the simulated analyses should share domains");
    }

    /** Clicks a link and waits until the browser shows {@code path}. */
    private static void click(WebElement link, String path) {
        link.click();
        await(() -> browser.getCurrentUrl().equals(base + path), path);
    }

    private static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("waited " + PATIENCE.toSeconds() + " s for " + what + ", at " + browser.getCurrentUrl());
            }
            Thread.onSpinWait();
        }
    }

    private static String heading() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    /** The samples {@code part} links to, in the order shown, once each. */
    private static List<String> sampleLinks(WebElement part) {
        return part.findElements(By.cssSelector("a[href^='/samples/']")).stream()
                .map(a -> a.getDomAttribute("href").substring("/samples/".length())).distinct().toList();
    }

    private static List<String> column(WebElement table, int column) {
        return table.findElements(By.cssSelector("tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).get(column).getText()).toList();
    }

    /** The element as painted: more than its background, in several colours (a chart, not a blank box). */
    private static void assertDrawn(WebElement element, String what) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(element.getScreenshotAs(OutputType.BYTES)));
        int background = image.getRGB(0, 0);
        Set<Integer> colours = new HashSet<>();
        long painted = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                colours.add(rgb);
                painted += rgb == background ? 0 : 1;
            }
        }
        assertTrue(colours.size() >= 3 && painted * 100 >= (long) image.getWidth() * image.getHeight(),
                what + " is drawn: " + colours.size() + " colours, " + painted + " of "
                        + image.getWidth() * image.getHeight() + " pixels off the background");
    }

    /** Nothing refused by the CSP, no script error, no failed load. */
    private static void assertNoConsoleErrors() {
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage).toList();
        assertEquals(List.of(), errors, "the browser's console");
    }

    private static long count(String sql) {
        return ((Number) new Queries(reader).userQuery(sql).rows().get(0).get(0)).longValue();
    }

    private static List<String> ids(String sql) {
        return new Queries(reader).userQuery(sql).rows().stream().map(row -> (String) row.get(0)).toList();
    }

    private static String filename(String id) {
        return (String) new Queries(reader).userQuery("SELECT filename FROM samples WHERE id = '" + id + "'")
                .rows().get(0).get(0);
    }
}
